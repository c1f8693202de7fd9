import type { Time, TimerHandle } from '../../src/common/time.js';

interface Entry {
  id: number;
  at: number;
  every: number | null;
  callback: () => void;
}

/**
 * Time the test moves by hand: `advance` moves both clocks and runs the timers that fall due,
 * in order; `stepWall` moves only the wall clock, as an operator or NTP stepping the system
 * clock would, and runs nothing.
 */
export class FakeTime implements Time {
  private mono = 1_000_000;
  private wallMs: number;
  private nextId = 1;
  private entries: Entry[] = [];

  constructor(wall = Date.parse('2026-11-23T10:00:00.000Z')) {
    this.wallMs = wall;
  }

  monotonic(): number {
    return this.mono;
  }

  wall(): number {
    return this.wallMs;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    return this.add(callback, ms, null);
  }

  setInterval(callback: () => void, ms: number): TimerHandle {
    return this.add(callback, ms, Math.max(1, ms));
  }

  clearTimeout(handle: TimerHandle): void {
    this.entries = this.entries.filter((e) => e.id !== handle);
  }

  clearInterval(handle: TimerHandle): void {
    this.clearTimeout(handle);
  }

  /** Timers pending now, for assertions that nothing is left running. */
  get pending(): number {
    return this.entries.length;
  }

  /** Moves both clocks forward, running each timer that falls due, in order. */
  advance(ms: number): void {
    const until = this.mono + ms;
    for (;;) {
      const due = this.entries.filter((e) => e.at <= until).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (due === undefined) break;
      this.wallMs += due.at - this.mono;
      this.mono = due.at;
      if (due.every === null) this.entries = this.entries.filter((e) => e !== due);
      else due.at += due.every;
      due.callback();
    }
    this.wallMs += until - this.mono;
    this.mono = until;
  }

  /** Steps the wall clock alone (negative: back); monotonic time and timers do not move. */
  stepWall(ms: number): void {
    this.wallMs += ms;
  }

  private add(callback: () => void, ms: number, every: number | null): TimerHandle {
    const entry = { id: this.nextId++, at: this.mono + Math.max(0, ms), every, callback };
    this.entries.push(entry);
    return entry.id;
  }
}
