/**
 * Network addresses: HOST[:PORT] for the collector and the embedded SNMP agent, and the AgentX
 * master's socket. HOST is an IPv4 address, an IPv6 address (in brackets when a port follows)
 * or a host name.
 */
import type { AgentxAddress, HostPort } from '../config.js';
import { parseIPv4, parseIPv6 } from './ip.js';
import { invalid, valid, type Value } from './value.js';

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

function isHost(text: string): boolean {
  return parseIPv4(text) !== null || HOSTNAME.test(text);
}

function port(text: string): number | null {
  const n = /^[0-9]{1,5}$/.test(text) ? Number(text) : 0;
  return n >= 1 && n <= 65535 ? n : null;
}

/** HOST:PORT, or HOST alone when `defaultPort` is given. `usage` ends messages: "(use ...)". */
export function parseHostPort(text: string, defaultPort: number | null, usage: string): Value<HostPort> {
  const bad = invalid('CONFIG_BAD_ADDRESS', `bad address '${text}' (use ${usage})`);
  let host: string;
  let portText: string | null;
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(text);
  if (bracketed) {
    host = bracketed[1] as string;
    portText = bracketed[2] ?? null;
    if (parseIPv6(host) === null) return bad;
  } else if (parseIPv6(text) !== null && text.indexOf(':') !== text.lastIndexOf(':')) {
    host = text;
    portText = null;
  } else {
    const colon = text.lastIndexOf(':');
    host = colon < 0 ? text : text.slice(0, colon);
    portText = colon < 0 ? null : text.slice(colon + 1);
    if (!isHost(host)) return bad;
  }
  if (portText === null) {
    if (defaultPort === null) return invalid('CONFIG_BAD_ADDRESS', `bad address '${text}': the port is missing (use ${usage})`);
    return valid({ host, port: defaultPort });
  }
  const p = port(portText);
  if (p === null) return invalid('CONFIG_BAD_ADDRESS', `bad address '${text}': the port must be from 1 to 65535`);
  return valid({ host, port: p });
}

const AGENTX_USAGE = '/path, unix:/path, tcp:HOST:PORT or none';

/** The AgentX master: /path or unix:/path (a unix socket), tcp:HOST:PORT, or none (null). */
export function parseAgentxAddress(text: string): Value<AgentxAddress | null> {
  if (text === 'none') return valid(null);
  const path = text.startsWith('unix:') ? text.slice('unix:'.length) : text;
  if (path.startsWith('/')) return valid({ kind: 'unix', path });
  if (text.startsWith('tcp:')) {
    const address = parseHostPort(text.slice('tcp:'.length), null, 'tcp:HOST:PORT, as tcp:127.0.0.1:705');
    if (!address.ok) return invalid('CONFIG_BAD_ADDRESS', `bad agentx-socket '${text}' (use tcp:HOST:PORT, as tcp:127.0.0.1:705)`);
    return valid({ kind: 'tcp', ...address.value });
  }
  return invalid('CONFIG_BAD_ADDRESS', `bad agentx-socket '${text}' (use ${AGENTX_USAGE})`);
}
