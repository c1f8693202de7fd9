import { BearerCheck } from '../../common/bearer-token.js';
import type { Time } from '../../common/time.js';
import type { Config } from '../config/config.js';
import { AccessList, normaliseAddress } from './access-list.js';
import { RateLimiter } from './rate-limiter.js';
import { refusals, type Refusal } from './refusal.js';

export type AdmissionSettings = Pick<Config, 'allow' | 'deny' | 'token' | 'rateLimit'>;

const sameLimit = (a: AdmissionSettings['rateLimit'], b: AdmissionSettings['rateLimit']): boolean =>
  a === b || (a !== null && b !== null && a.perSecond === b.perSecond && a.burst === b.burst);

/**
 * Who may send a report. Before its body is read: source address (allow/deny), then the rate
 * per source (every report from an allowed source spends it, refused or not), then the bearer
 * token. Once the body names its instance: whether it is that instance's turn (rate-limiter.ts).
 * A reload swaps the settings in place; a changed rate-limit starts every source full.
 */
export class Admission {
  private access!: AccessList;
  private bearer: BearerCheck | null = null;
  private limiter: RateLimiter | null = null;

  constructor(settings: AdmissionSettings, private readonly time: Time) {
    this.update(settings);
  }

  update(settings: AdmissionSettings): void {
    this.access = new AccessList(settings.allow, settings.deny);
    this.bearer = settings.token === null ? null : new BearerCheck(settings.token);
    if (!sameLimit(this.limiter?.limit ?? null, settings.rateLimit)) {
      this.limiter = settings.rateLimit === null ? null : new RateLimiter(settings.rateLimit, this.time);
    }
  }

  /** The source address alone (allow/deny): the listener's screen (listeners.ts), and check()'s first step. */
  source(remoteAddress: string): Refusal | null {
    const address = normaliseAddress(remoteAddress);
    const decision = this.access.decide(address);
    if (decision === 'denied') return refusals.denied(address);
    if (decision === 'not-allowed') return refusals.notAllowed(address);
    return null;
  }

  /** null when the report may go on to be read. */
  check(remoteAddress: string, authorization: string | undefined): Refusal | null {
    const refused = this.source(remoteAddress);
    if (refused !== null) return refused;
    const address = normaliseAddress(remoteAddress);
    if (this.limiter !== null && !this.limiter.take(address)) return refusals.rateLimited(address, this.limiter.retryAfterSeconds(address));
    const verdict = this.bearer?.verdict(authorization) ?? 'ok';
    if (verdict === 'missing') return refusals.tokenMissing();
    if (verdict === 'wrong') return refusals.tokenWrong();
    return null;
  }

  /** null when it is the turn of the instance the report names, among those behind its source. */
  turn(address: string, service: string, hostname: string): Refusal | null {
    if (this.limiter === null || this.limiter.turn(address, service, hostname)) return null;
    return refusals.rateLimited(address, this.limiter.retryAfterSeconds(address, service, hostname));
  }
}
