import { isIPv4 } from 'node:net';
import { formatHostPort, isUnspecifiedHost, type HostPort } from '../../common/host-port.js';
import { normaliseAddress } from './access-list.js';

/**
 * A read listener by an address the asker can use: its own, or, when it listens on 0.0.0.0 or
 * ::, the address the asker reached this host at (`arrivedAt`, the request's local address) with
 * the read listener's port. A listener on 0.0.0.0 takes IPv4 only: asked over IPv6, it is named
 * by its port alone.
 */
function usableAddress(listener: HostPort, arrivedAt: string | undefined): string {
  if (!isUnspecifiedHost(listener.host) || arrivedAt === undefined) return `http://${formatHostPort(listener)}`;
  const host = normaliseAddress(arrivedAt);
  if (listener.host === '0.0.0.0' && !isIPv4(host)) return `port ${listener.port} of any IPv4 address of this host`;
  return `http://${formatHostPort({ host, port: listener.port })}`;
}

/** Where reads are, for a request that came to the report listener, or how to turn them on. */
export function readsAre(readListeners: readonly HostPort[], arrivedAt: string | undefined): string {
  if (readListeners.length === 0) return 'the read listener is off (http-listen none); to turn it on, write http-listen ADDRESS:PORT; in its place (or remove it, for the default) and restart stevedore';
  const named = new Set(readListeners.map((listener) => usableAddress(listener, arrivedAt)));
  return `reads are on the read listener (http-listen): ${[...named].join(', ')}`;
}
