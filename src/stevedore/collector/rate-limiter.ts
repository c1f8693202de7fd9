import type { Time } from '../../common/time.js';
import type { RateLimit } from '../config/config.js';

/** Sources remembered at most; past that, the idlest half is forgotten (they start full again). */
const MAX_SOURCES = 100_000;
/** An instance not heard of for this long no longer counts among those sharing its source's rate. */
const FORGET_MS = 5 * 60_000;

interface Turn {
  /** When its last report was admitted, on the monotonic clock. */
  admittedAt: number;
  /** When it last reported, admitted or not. */
  seenAt: number;
}

interface Bucket {
  tokens: number;
  at: number;
  /** Only while the source is contended (its bucket under half): each instance's last turn. */
  turns: Map<string, Turn> | null;
  /** When `turns` was last cleared of forgotten instances. */
  prunedAt: number;
}

/**
 * A token bucket per source address, on the monotonic clock (a step of the wall clock changes
 * nothing), with turns between the instances behind one source.
 *
 * Every report takes a token when it arrives, whatever its answer: a source that sends wrong
 * tokens or malformed reports spends its rate like one that sends good ones. With no token
 * left, the report is refused before its body is read.
 *
 * Turns: many containers behind one address (a NATing Docker host) report on fixed periods,
 * so without turns the same ones would always arrive just after the bucket ran dry and never
 * get in. While a source's bucket is under half full, an instance whose last report was
 * admitted less than its share ago (instances seen from the source / rate) gives its token
 * back and is refused; the tokens it leaves go to the instances that have waited longer, and
 * a new instance always has its turn. Each instance then gets about rate / instances reports
 * per second through, none starves, and the source still gets its whole rate.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(readonly limit: RateLimit, private readonly time: Time) {}

  /** Takes one token for a report arriving from `source`; false when the source is over its rate. */
  take(source: string): boolean {
    const bucket = this.refilled(source);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /**
   * Whether the report, its token taken, is the turn of its instance (`service`, `hostname`);
   * if not, the token goes back.
   */
  turn(source: string, service: string, hostname: string): boolean {
    const bucket = this.buckets.get(source);
    if (bucket === undefined) return true;
    const contended = bucket.tokens < this.limit.burst / 2;
    // The common case, a source well within its rate: nothing to remember.
    if (bucket.turns === null && !contended) return true;
    const now = this.time.monotonic();
    bucket.turns ??= new Map();
    this.prune(bucket, now);
    const instance = `${service} ${hostname}`;
    const turn = bucket.turns.get(instance);
    if (turn !== undefined && contended && now - turn.admittedAt < this.shareMs(bucket)) {
      turn.seenAt = now;
      bucket.tokens += 1;
      return false;
    }
    if (turn === undefined) bucket.turns.set(instance, { admittedAt: now, seenAt: now });
    else turn.admittedAt = turn.seenAt = now;
    return true;
  }

  /** Seconds until `source` (or this instance of it) may report again, for Retry-After; at least 1. */
  retryAfterSeconds(source: string, service?: string, hostname?: string): number {
    const bucket = this.buckets.get(source);
    if (bucket === undefined) return 1;
    const turn = service === undefined ? undefined : bucket.turns?.get(`${service} ${hostname}`);
    const waitMs = turn === undefined
      ? ((1 - bucket.tokens) / this.limit.perSecond) * 1000
      : this.shareMs(bucket) - (this.time.monotonic() - turn.admittedAt);
    return Math.max(1, Math.ceil(waitMs / 1000));
  }

  /** How long each instance waits between turns: the instances sharing the source, over its rate. */
  private shareMs(bucket: Bucket): number {
    return ((bucket.turns?.size ?? 1) / this.limit.perSecond) * 1000;
  }

  private refilled(source: string): Bucket {
    const now = this.time.monotonic();
    let bucket = this.buckets.get(source);
    if (!bucket) {
      if (this.buckets.size >= MAX_SOURCES) this.forgetIdle();
      bucket = { tokens: this.limit.burst, at: now, turns: null, prunedAt: now };
      this.buckets.set(source, bucket);
      return bucket;
    }
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + (Math.max(0, now - bucket.at) / 1000) * this.limit.perSecond);
    bucket.at = now;
    // Full again: the source is no longer contended, its turns start over if it ever is.
    if (bucket.tokens >= this.limit.burst) bucket.turns = null;
    return bucket;
  }

  private prune(bucket: Bucket, now: number): void {
    if (bucket.turns === null || now - bucket.prunedAt < FORGET_MS) return;
    bucket.prunedAt = now;
    for (const [instance, turn] of bucket.turns) if (now - turn.seenAt >= FORGET_MS) bucket.turns.delete(instance);
  }

  private forgetIdle(): void {
    const byAge = [...this.buckets.entries()].sort((a, b) => a[1].at - b[1].at);
    for (const [source] of byAge.slice(0, byAge.length >> 1)) this.buckets.delete(source);
  }
}
