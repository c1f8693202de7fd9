import { hostname } from 'node:os';
import { BearerCheck } from '../../common/bearer-token.js';
import { CodedError } from '../../common/coded-error.js';
import { formatHostPort, type HostPort } from '../../common/host-port.js';
import type { Config } from '../config/config.js';
import { AccessList, normaliseAddress } from '../collector/access-list.js';
import { isOwnHost, ownHostNames } from './host-header.js';

export type ReadAccessSettings = Pick<Config, 'httpAllow' | 'httpHosts' | 'httpToken'>;

/** A read request as access sees it. */
export interface ReadRequest {
  remoteAddress: string;
  authorization: string | undefined;
  /** The Host header. */
  host: string | undefined;
  /** The address and port the request came to, named in the 421's advice. */
  arrivedAt: HostPort;
}

/** Why a read was refused: 403 for the source address, 401 for the token, 421 for the Host header. */
export class ReadRefusal extends CodedError {
  constructor(
    readonly statusCode: 401 | 403 | 421,
    code: string,
    reason: string,
  ) {
    super(code, reason);
  }
}

/**
 * Who may read: the source address must match `http-allow`, then, when `http-token` is set, the
 * request must carry it as a bearer token; without http-token, the Host header must name this
 * host (host-header.ts), against DNS rebinding: a browser never adds a bearer token by itself,
 * so with one that attack fails anyway. The same access list and token check as the collector's
 * admission; a reload swaps the settings in place.
 */
export class ReadAccess {
  private access!: AccessList;
  private bearer: BearerCheck | null = null;
  private hostNames!: ReadonlySet<string>;

  /** `ownName`: this host's name (os.hostname() by default). */
  constructor(
    settings: ReadAccessSettings,
    private readonly ownName: string = hostname(),
  ) {
    this.update(settings);
  }

  update(settings: ReadAccessSettings): void {
    this.access = new AccessList(settings.httpAllow, []);
    this.hostNames = new Set([...ownHostNames(this.ownName), ...settings.httpHosts]);
    this.bearer = settings.httpToken === null ? null : new BearerCheck(settings.httpToken);
  }

  /** The source address alone (http-allow): the listener's screen (listeners.ts), and check()'s first step. */
  source(remoteAddress: string): ReadRefusal | null {
    const address = normaliseAddress(remoteAddress);
    if (this.access.decide(address) === 'allowed') return null;
    return new ReadRefusal(403, 'READ_NOT_ALLOWED', `source address ${address} may not read (see http-allow in the configuration)`);
  }

  /** null when the request may read. */
  check(request: ReadRequest): ReadRefusal | null {
    const refused = this.source(request.remoteAddress);
    if (refused !== null) return refused;
    if (this.bearer === null) return isOwnHost(request.host, this.hostNames) ? null : misdirected(request);
    const verdict = this.bearer.verdict(request.authorization);
    if (verdict === 'missing') return new ReadRefusal(401, 'READ_TOKEN_MISSING', 'reads require a token: send Authorization: Bearer TOKEN (http-token)');
    if (verdict === 'wrong') return new ReadRefusal(401, 'READ_TOKEN_WRONG', "the bearer token does not match the read listener's token (http-token)");
    return null;
  }
}

/** RFC 9110 section 15.5.20: 421, the request was directed at a server unwilling to answer for that name. */
function misdirected(request: ReadRequest): ReadRefusal {
  const address = `http://${formatHostPort({ host: normaliseAddress(request.arrivedAt.host), port: request.arrivedAt.port })}`;
  return new ReadRefusal(
    421,
    'READ_HOST_NOT_ALLOWED',
    `this read listener answers requests for '${request.host!.slice(0, 100)}' only with a token: use its address (${address}), localhost or this host's name, name it in http-host, or set http-token`,
  );
}
