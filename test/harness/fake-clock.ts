import type { Clock } from '../../src/common/clock.js';

/** A clock the test moves by hand: no sleeps. */
export class FakeClock implements Clock {
  constructor(private ms = Date.parse('2026-11-23T10:00:00.000Z')) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}
