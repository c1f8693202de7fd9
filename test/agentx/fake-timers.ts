import type { Timers } from '../../src/agentx/index.js';

interface Entry {
  id: number;
  at: number;
  callback: () => void;
}

/** A clock that moves only when the test says: pings, timeouts and retries without sleeping. */
export class FakeTimers implements Timers {
  private time = 0;
  private nextId = 1;
  private entries: Entry[] = [];

  monotonic(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const entry = { id: this.nextId++, at: this.time + ms, callback };
    this.entries.push(entry);
    return entry.id;
  }

  clearTimeout(handle: unknown): void {
    this.entries = this.entries.filter((e) => e.id !== handle);
  }

  /** Timers pending now, for assertions that nothing is left running. */
  get pending(): number {
    return this.entries.length;
  }

  /** When the earliest pending timer falls due, or undefined. */
  nextDue(): number | undefined {
    return this.entries.reduce<number | undefined>((min, e) => (min === undefined || e.at < min ? e.at : min), undefined);
  }

  /** Moves the clock forward, running each timer that falls due, in order. */
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      const due = this.entries.filter((e) => e.at <= until).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (due === undefined) break;
      this.entries = this.entries.filter((e) => e !== due);
      this.time = due.at;
      due.callback();
    }
    this.time = until;
  }
}
