/**
 * Network addresses: HOST[:PORT] for the collector and the embedded SNMP agent, and the AgentX
 * master's socket. HOST is an IPv4 address, an IPv6 address (in brackets when a port follows)
 * or a host name.
 */
import { parseHostPort as parseAddress, withoutUserinfo } from '../../../common/host-port.js';
import type { AgentxAddress, HostPort } from '../config.js';
import { invalid, valid, type Value } from './value.js';

/** HOST:PORT, or HOST alone when `defaultPort` is given. `usage` ends messages: "(use ...)". */
export function parseHostPort(text: string, defaultPort: number | null, usage: string): Value<HostPort> {
  const parsed = parseAddress(text, defaultPort === null ? {} : { defaultPort });
  if (parsed.ok) return valid(parsed.value);
  const shown = withoutUserinfo(text);
  switch (parsed.problem) {
    case 'no-port':
      return invalid('CONFIG_BAD_ADDRESS', `bad address '${shown}': the port is missing (use ${usage})`);
    case 'bad-port':
      return invalid('CONFIG_BAD_ADDRESS', `bad address '${shown}': the port must be from 1 to 65535`);
    case 'credentials':
      return invalid('CONFIG_BAD_ADDRESS', `bad address '${shown}': credentials (USER:PASSWORD@) in an address are not supported (use ${usage})`);
    default:
      return invalid('CONFIG_BAD_ADDRESS', `bad address '${shown}' (use ${usage})`);
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
    if (!address.ok) return invalid('CONFIG_BAD_ADDRESS', `bad agentx-socket '${withoutUserinfo(text)}' (use tcp:HOST:PORT, as tcp:127.0.0.1:705)`);
    return valid({ kind: 'tcp', ...address.value });
  }
  return invalid('CONFIG_BAD_ADDRESS', `bad agentx-socket '${withoutUserinfo(text)}' (use ${AGENTX_USAGE})`);
}
