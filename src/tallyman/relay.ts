import type { Readable, Writable } from 'node:stream';
import type { Time, TimerHandle } from '../common/time.js';
import type { OutputCapture } from './capture.js';

/**
 * Passes one of COMMAND's output streams on to tallyman's own, at the pace of whoever reads
 * tallyman's: when a write fills the sink's buffer, reading from COMMAND pauses until the sink
 * drains, so COMMAND waits in write() as it would writing to that reader itself, and tallyman
 * holds no more than about one pipe's worth of each stream. Everything read is captured.
 *
 * Once the sink fails (its reader went away) or is abandoned, the rest is read for the capture
 * only. After COMMAND exits, `linger` bounds how long a background child that inherited the
 * pipe can keep tallyman reading.
 */
export class Relay {
  private waiting = false;
  private discarding = false;
  private closed = false;
  /** Reading time left once COMMAND has exited; undefined while it runs. */
  private budgetMs: number | undefined;
  private clockSince = 0;
  private timer: TimerHandle | undefined;

  constructor(
    private readonly source: Readable,
    private readonly sink: Writable,
    private readonly capture: OutputCapture,
    private readonly time: Time,
  ) {
    source.on('data', this.onData);
    source.once('close', this.onClose);
    sink.once('error', this.abandon);
    sink.once('close', this.abandon);
  }

  /**
   * COMMAND has exited: keep reading until the pipe closes, or for `ms` of reading in all if a
   * background child holds it open. Time spent waiting for the sink does not count, so bytes
   * COMMAND wrote before it exited are passed on however slow the reader is.
   */
  linger(ms: number): void {
    if (this.budgetMs !== undefined) return;
    this.budgetMs = ms;
    if (!this.waiting) this.startClock();
  }

  /** Stops waiting for the sink: what is read from now on is captured, not passed on. */
  readonly abandon = (): void => {
    this.discarding = true;
    if (this.waiting) this.onDrain();
  };

  private readonly onData = (chunk: Buffer): void => {
    this.capture.push(chunk);
    if (this.discarding) return;
    if (!this.sink.write(chunk) && !this.waiting) {
      this.waiting = true;
      this.source.pause();
      this.stopClock();
      this.sink.once('drain', this.onDrain);
    }
  };

  private readonly onDrain = (): void => {
    this.sink.off('drain', this.onDrain);
    this.waiting = false;
    this.source.resume();
    this.startClock();
  };

  private readonly onClose = (): void => {
    this.closed = true;
    this.stopClock();
    this.sink.off('drain', this.onDrain);
    this.sink.off('error', this.abandon);
    this.sink.off('close', this.abandon);
  };

  private startClock(): void {
    if (this.budgetMs === undefined || this.closed || this.timer !== undefined) return;
    this.clockSince = this.time.monotonic();
    this.timer = this.time.setTimeout(() => this.source.destroy(), this.budgetMs);
  }

  private stopClock(): void {
    if (this.timer === undefined) return;
    this.time.clearTimeout(this.timer);
    this.timer = undefined;
    this.budgetMs = Math.max(0, this.budgetMs! - (this.time.monotonic() - this.clockSince));
  }
}
