import { createHash, timingSafeEqual } from 'node:crypto';
import type { Time } from '../../common/time.js';
import type { Config } from '../config/config.js';
import { AccessList, normaliseAddress } from './access-list.js';
import { RateLimiter, type RateLimit } from './rate-limiter.js';
import { refusals, type Refusal } from './refusal.js';

export type AdmissionSettings = Pick<Config, 'allow' | 'deny' | 'token'>;

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/**
 * Who may send a report, decided before its body is read: source address (allow/deny), then
 * the bearer token, then the rate per source. A reload swaps the settings in place.
 */
export class Admission {
  private access!: AccessList;
  private tokenDigest: Buffer | null = null;
  private readonly limiter: RateLimiter;

  constructor(settings: AdmissionSettings, rateLimit: RateLimit, time: Time) {
    this.limiter = new RateLimiter(rateLimit, time);
    this.update(settings);
  }

  update(settings: AdmissionSettings): void {
    this.access = new AccessList(settings.allow, settings.deny);
    this.tokenDigest = settings.token === null ? null : digest(settings.token);
  }

  /** null when the report may go on to be read. */
  check(remoteAddress: string, authorization: string | undefined): Refusal | null {
    const address = normaliseAddress(remoteAddress);
    const decision = this.access.decide(address);
    if (decision === 'denied') return refusals.denied(address);
    if (decision === 'not-allowed') return refusals.notAllowed(address);
    if (this.tokenDigest !== null) {
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
      if (!bearer) return refusals.tokenMissing();
      // Compare digests: equal length, constant time, and the token's length is not revealed.
      if (!timingSafeEqual(digest(bearer[1] as string), this.tokenDigest)) return refusals.tokenWrong();
    }
    if (!this.limiter.take(address)) return refusals.rateLimited(address);
    return null;
  }

  retryAfterSeconds(): number {
    return this.limiter.retryAfterSeconds();
  }
}
