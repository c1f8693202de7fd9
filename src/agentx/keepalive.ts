import type { Timers } from './timers.js';

/**
 * Sends agentx-Ping-PDU (RFC 2741 section 6.2.11) every interval while a session is open. A
 * ping the master does not answer times out in the session, which ends the connection: that
 * is how a master that is hung (not just gone) is noticed.
 */
export class Keepalive {
  private timer: unknown;
  private running = false;

  constructor(
    private readonly timers: Timers,
    private readonly intervalMs: number,
  ) {}

  start(ping: () => Promise<unknown>): void {
    this.stop();
    this.running = true;
    const tick = (): void => {
      this.timer = undefined;
      if (!this.running) return;
      ping().then(
        () => this.schedule(tick),
        () => this.stop(),
      );
    };
    this.schedule(tick);
  }

  private schedule(tick: () => void): void {
    if (this.running) this.timer = this.timers.setTimeout(tick, this.intervalMs);
  }

  stop(): void {
    this.running = false;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
