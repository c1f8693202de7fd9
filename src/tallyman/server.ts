import { isIP } from 'node:net';
import { DEFAULT_COLLECTOR_PORT } from '../common/report.js';
import { UsageError } from './usage-error.js';

/** Where reports go. host is absent when it is to come from the default gateway. */
export interface ServerSpec {
  host?: string;
  port: number;
}

export interface ServerAddress {
  host: string;
  port: number;
}

const hostName = /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/;

function parsePort(text: string, whole: string, origin: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 1 && port <= 65535)) {
    throw new UsageError(`${origin} '${whole}': port must be a number from 1 to 65535`);
  }
  return port;
}

function checkHost(host: string, whole: string, origin: string): string {
  if (isIP(host) !== 0 || hostName.test(host)) return host;
  throw new UsageError(`${origin} '${whole}' is not HOST:PORT (IPv6 addresses go in brackets: [::1]:8990)`);
}

/**
 * Parses HOST:PORT, :PORT, HOST, [IPV6]:PORT or [IPV6]. A bare IPv6 address (two or more
 * colons, no brackets) is taken as a host. `origin` names where the text came from.
 */
export function parseServer(text: string, origin: string): ServerSpec {
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(text);
  if (bracketed) {
    const host = bracketed[1] ?? '';
    if (isIP(host) !== 6) throw new UsageError(`${origin} '${text}': '${host}' is not an IPv6 address`);
    const port = bracketed[2] === undefined ? DEFAULT_COLLECTOR_PORT : parsePort(bracketed[2], text, origin);
    return { host, port };
  }
  const colons = text.split(':').length - 1;
  if (colons === 0) return { host: checkHost(text, text, origin), port: DEFAULT_COLLECTOR_PORT };
  if (colons > 1) {
    if (isIP(text) === 6) return { host: text, port: DEFAULT_COLLECTOR_PORT };
    throw new UsageError(`${origin} '${text}' is not HOST:PORT (IPv6 addresses go in brackets: [::1]:8990)`);
  }
  const [host = '', port = ''] = text.split(':');
  const spec: ServerSpec = { port: parsePort(port, text, origin) };
  if (host !== '') spec.host = checkHost(host, text, origin);
  return spec;
}

/** host:port for messages and URLs, with IPv6 in brackets. */
export function formatAddress(address: ServerAddress): string {
  return isIP(address.host) === 6 ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}
