/**
 * HOST:PORT, the one parser and formatter for every address the product reads or prints:
 * stevedore's listen and snmp-listen, tallyman's --server, AgentX tcp: targets, etcd endpoints.
 * HOST is an IPv4 address, an IPv6 address (in brackets when a port follows) or a host name.
 */
import { isIP } from 'node:net';

export interface HostPort {
  host: string;
  port: number;
}

export interface HostPortRules {
  /** The port when the text has none; without it a missing port is an error. */
  defaultPort?: number;
  /** Accept ':PORT' with no host: `host` is then ''. */
  hostOptional?: boolean;
}

/** What is wrong with a text, for callers that word their own messages. */
export type HostPortProblem = 'not-host-port' | 'not-ipv6' | 'no-port' | 'bad-port' | 'credentials';

export type HostPortResult = { ok: true; value: HostPort } | { ok: false; problem: HostPortProblem; reason: string };

/** RFC 1123 host names (letters, digits, hyphens; dot-separated labels of at most 63). */
const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

const NOT_HOST_PORT = 'is not HOST:PORT (IPv6 addresses go in brackets: [::1]:8990)';

/** A URL's `scheme://` at the start of `text` (RFC 3986 section 3.1), or ''. */
export function schemeOf(text: string): string {
  return /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(text)?.[0] ?? '';
}

/**
 * The text as a message may repeat it: the userinfo of a URL's authority (RFC 3986 section
 * 3.2.1, `user:password@`, deprecated there for holding a password) replaced by `***@`. Up to
 * the last '@', which no host holds: a password may itself hold '@', '/' or ':'.
 */
export function withoutUserinfo(text: string): string {
  const at = text.lastIndexOf('@');
  if (at < 0) return text;
  const scheme = schemeOf(text);
  return `${scheme}***${text.slice(at)}`;
}

/** An RFC 1123 host name (not an address). */
export function isHostName(text: string): boolean {
  return HOST_NAME.test(text) && isIP(text) === 0;
}

function isHost(text: string): boolean {
  return isIP(text) === 4 || HOST_NAME.test(text);
}

/**
 * Reads HOST:PORT, HOST, [IPV6]:PORT, [IPV6] or a bare IPv6 address (two or more colons, no
 * brackets, taken as a host). The reason of a failure is a phrase to put after the text quoted
 * (through withoutUserinfo: a text with credentials is refused, and must not be repeated whole).
 */
export function parseHostPort(text: string, rules: HostPortRules = {}): HostPortResult {
  if (text.includes('@')) return { ok: false, problem: 'credentials', reason: 'holds credentials (USER:PASSWORD@), which are not supported here: give HOST:PORT only' };
  let host: string;
  let portText: string | null;
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(text);
  if (bracketed) {
    host = bracketed[1] ?? '';
    portText = bracketed[2] ?? null;
    if (isIP(host) !== 6) return { ok: false, problem: 'not-ipv6', reason: `'${host}' is not an IPv6 address` };
  } else if (text.indexOf(':') !== text.lastIndexOf(':')) {
    if (isIP(text) !== 6) return { ok: false, problem: 'not-host-port', reason: NOT_HOST_PORT };
    host = text;
    portText = null;
  } else {
    const colon = text.lastIndexOf(':');
    host = colon < 0 ? text : text.slice(0, colon);
    portText = colon < 0 ? null : text.slice(colon + 1);
    const hostMissing = host === '' && colon >= 0 && rules.hostOptional === true;
    if (!hostMissing && !isHost(host)) return { ok: false, problem: 'not-host-port', reason: NOT_HOST_PORT };
  }
  if (portText === null) {
    if (rules.defaultPort === undefined) return { ok: false, problem: 'no-port', reason: 'has no port (write HOST:PORT)' };
    return { ok: true, value: { host, port: rules.defaultPort } };
  }
  const port = /^[0-9]{1,5}$/.test(portText) ? Number(portText) : 0;
  if (port < 1 || port > 65535) return { ok: false, problem: 'bad-port', reason: 'has a bad port: it must be a number from 1 to 65535' };
  return { ok: true, value: { host, port } };
}

/** host:port for messages and URLs, with an IPv6 host in brackets. */
export function formatHostPort(address: HostPort): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

/**
 * 0.0.0.0 or :: (RFC 1122 section 3.2.1.3, RFC 4291 section 2.5.2): bound there, a socket takes
 * every address of the host; it is no address to connect to.
 */
export function isUnspecifiedHost(host: string): boolean {
  const family = isIP(host);
  return family === 4 ? host === '0.0.0.0' : family === 6 && /^[0:]+$/.test(host);
}
