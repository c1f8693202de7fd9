/**
 * Network addresses: HOST[:PORT] for the collector and the embedded SNMP agent, and the AgentX
 * master's socket. HOST is an IPv4 address, an IPv6 address (in brackets when a port follows)
 * or a host name.
 */
import { isIP } from 'node:net';
import { isHostName, parseHostPort as parseAddress, schemeOf, withoutUserinfo } from '../../../common/host-port.js';
import type { AgentxAddress, HostPort } from '../config.js';
import { invalid, valid, type Value } from './value.js';

const MASK = '...';

/**
 * A host a message may repeat: an IP address, localhost (RFC 6761 section 6.3), or a host name
 * that ends in a top-level domain of letters (RFC 3696 section 2). Any other word refused as an
 * address (a single word, a token of dotted segments) may be a secret written in the wrong place.
 */
function isShownHost(host: string): boolean {
  if (isIP(host) !== 0 || host === 'localhost') return true;
  return isHostName(host) && /\.[A-Za-z]+\.?$/.test(host);
}

/**
 * A refused address as a message may repeat it, or null when nothing of it may be: its scheme,
 * `***@` for credentials (RFC 3986 section 3.2.1), a host as isShownHost allows, a port of
 * digits; a port of anything else, or all past the authority (a path, a '?' query, a '#'
 * fragment: RFC 3986 section 3), becomes '...'.
 */
export function shownAddress(text: string): string | null {
  const plain = withoutUserinfo(text);
  const scheme = schemeOf(plain);
  const rest = plain.slice(scheme.length);
  const end = rest.search(/[/?#]/);
  const past = end < 0 ? '' : MASK;
  const authority = end < 0 ? rest : rest.slice(0, end);
  const userinfo = authority.startsWith('***@') ? '***@' : '';
  const hostPort = authority.slice(userinfo.length);
  if (isIP(hostPort) === 6) return `${scheme}${userinfo}${hostPort}${past}`;
  const [, host = '', port] = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(hostPort) ?? [];
  if (!isShownHost(host.replace(/^\[(.*)\]$/, '$1'))) return null;
  if (port !== undefined && !/^[0-9]*$/.test(port)) return `${scheme}${userinfo}${host}:${MASK}`;
  return `${scheme}${userinfo}${host}${port === undefined ? '' : `:${port}`}${past}`;
}

/** "bad WHAT 'TEXT'", the text as shownAddress allows, or said not to be repeated. */
function bad(what: string, text: string, prefix = ''): string {
  const shown = shownAddress(text);
  return shown === null ? `bad ${what}, not repeated as it may be a secret` : `bad ${what} '${prefix}${shown}'`;
}

/** HOST:PORT, or HOST alone when `defaultPort` is given. `usage` ends messages: "(use ...)". */
export function parseHostPort(text: string, defaultPort: number | null, usage: string): Value<HostPort> {
  const parsed = parseAddress(text, defaultPort === null ? {} : { defaultPort });
  if (parsed.ok) return valid(parsed.value);
  const address = bad('address', text);
  switch (parsed.problem) {
    case 'no-port':
      return invalid('CONFIG_BAD_ADDRESS', `${address}: the port is missing (use ${usage})`);
    case 'bad-port':
      return invalid('CONFIG_BAD_ADDRESS', `${address}: the port must be a number from 1 to 65535 (use ${usage})`);
    case 'credentials':
      return invalid('CONFIG_BAD_ADDRESS', `${address}: credentials (USER:PASSWORD@) in an address are not supported (use ${usage})`);
    default:
      return invalid('CONFIG_BAD_ADDRESS', `${address} (use ${usage})`);
  }
}

const AGENTX_USAGE = '/path, unix:/path, tcp:HOST:PORT or none';

/** The AgentX master: /path or unix:/path (a unix socket), tcp:HOST:PORT, or none (null). */
export function parseAgentxAddress(text: string): Value<AgentxAddress | null> {
  if (text === 'none') return valid(null);
  const path = text.startsWith('unix:') ? text.slice('unix:'.length) : text;
  if (path.startsWith('/')) return valid({ kind: 'unix', path });
  if (text.startsWith('tcp:')) {
    const address = parseHostPort(text.slice('tcp:'.length), null, 'tcp:HOST:PORT, as tcp:127.0.0.1:705');
    if (!address.ok) return invalid('CONFIG_BAD_ADDRESS', `${bad('agentx-socket', text.slice('tcp:'.length), 'tcp:')} (use tcp:HOST:PORT, as tcp:127.0.0.1:705)`);
    return valid({ kind: 'tcp', ...address.value });
  }
  return invalid('CONFIG_BAD_ADDRESS', `${bad('agentx-socket', text)} (use ${AGENTX_USAGE})`);
}
