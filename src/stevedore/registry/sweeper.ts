import type { Time, TimerHandle } from '../../common/time.js';

/** How often stale and expiry deadlines are applied: the most an event is late by. */
export const SWEEP_INTERVAL_MS = 1000;

/**
 * Applies the registry's passed deadlines on a timer, so that stale and expiry events are
 * emitted when they fall due, whether or not anything reports or reads.
 */
export class Sweeper {
  private timer: TimerHandle | null = null;

  constructor(
    private readonly registry: { sweep(): void },
    private readonly time: Time,
    private readonly intervalMs = SWEEP_INTERVAL_MS,
  ) {}

  start(): void {
    this.timer ??= this.time.setInterval(() => this.registry.sweep(), this.intervalMs);
  }

  stop(): void {
    if (this.timer !== null) this.time.clearInterval(this.timer);
    this.timer = null;
  }
}
