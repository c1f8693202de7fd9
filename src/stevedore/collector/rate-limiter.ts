import type { Time } from '../../common/time.js';

export interface RateLimit {
  /** Sustained reports per second from one source address. */
  perSecond: number;
  /** How many may come at once. */
  burst: number;
}

/** Generous for health checks (one every few seconds per container), tight for a flood. */
export const DEFAULT_RATE_LIMIT: RateLimit = { perSecond: 50, burst: 200 };

/** Sources remembered at most; past that, the idlest half is forgotten (they start full again). */
const MAX_SOURCES = 100_000;

/** A token bucket per source address. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly limit: RateLimit, private readonly time: Time) {}

  /** Takes one token for `source`; false when the source is over its rate. */
  take(source: string): boolean {
    const now = this.time.monotonic();
    let bucket = this.buckets.get(source);
    if (!bucket) {
      if (this.buckets.size >= MAX_SOURCES) this.forgetIdle();
      bucket = { tokens: this.limit.burst, at: now };
      this.buckets.set(source, bucket);
    } else {
      bucket.tokens = Math.min(this.limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.limit.perSecond);
      bucket.at = now;
    }
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Seconds until `source` has a token again, for Retry-After. */
  retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(1 / this.limit.perSecond));
  }

  private forgetIdle(): void {
    const byAge = [...this.buckets.entries()].sort((a, b) => a[1].at - b[1].at);
    for (const [source] of byAge.slice(0, byAge.length >> 1)) this.buckets.delete(source);
  }
}
