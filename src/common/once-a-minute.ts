import type { Time } from './time.js';

const MINUTE = 60_000;
const MAX_KEYS = 10_000;

/** Lets a repeated warning (per key) through at most once a minute, on the monotonic clock. */
export class OnceAMinute {
  private readonly last = new Map<string, number>();

  constructor(private readonly time: Time) {}

  due(key: string): boolean {
    const now = this.time.monotonic();
    const at = this.last.get(key);
    if (at !== undefined && now - at < MINUTE) return false;
    if (this.last.size >= MAX_KEYS) this.last.clear();
    this.last.set(key, now);
    return true;
  }
}
