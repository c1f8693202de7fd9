import { BearerCheck } from '../../common/bearer-token.js';
import { CodedError } from '../../common/coded-error.js';
import type { Config } from '../config/config.js';
import { AccessList, normaliseAddress } from '../collector/access-list.js';

export type ReadAccessSettings = Pick<Config, 'httpAllow' | 'httpToken'>;

/** Why a read was refused: 403 for the source address, 401 for the token. */
export class ReadRefusal extends CodedError {
  constructor(
    readonly statusCode: 401 | 403,
    code: string,
    reason: string,
  ) {
    super(code, reason);
  }
}

/**
 * Who may read: the source address must match `http-allow`, then, when `http-token` is set, the
 * request must carry it as a bearer token. The same access list and token check as the
 * collector's admission; a reload swaps the settings in place.
 */
export class ReadAccess {
  private access!: AccessList;
  private bearer: BearerCheck | null = null;

  constructor(settings: ReadAccessSettings) {
    this.update(settings);
  }

  update(settings: ReadAccessSettings): void {
    this.access = new AccessList(settings.httpAllow, []);
    this.bearer = settings.httpToken === null ? null : new BearerCheck(settings.httpToken);
  }

  /** The source address alone (http-allow): the listener's screen (listeners.ts), and check()'s first step. */
  source(remoteAddress: string): ReadRefusal | null {
    const address = normaliseAddress(remoteAddress);
    if (this.access.decide(address) === 'allowed') return null;
    return new ReadRefusal(403, 'READ_NOT_ALLOWED', `source address ${address} may not read (see http-allow in the configuration)`);
  }

  /** null when the request may read. */
  check(remoteAddress: string, authorization: string | undefined): ReadRefusal | null {
    const refused = this.source(remoteAddress);
    if (refused !== null) return refused;
    const verdict = this.bearer?.verdict(authorization) ?? 'ok';
    if (verdict === 'missing') return new ReadRefusal(401, 'READ_TOKEN_MISSING', 'reads require a token: send Authorization: Bearer TOKEN (http-token)');
    if (verdict === 'wrong') return new ReadRefusal(401, 'READ_TOKEN_WRONG', "the bearer token does not match the read listener's token (http-token)");
    return null;
  }
}
