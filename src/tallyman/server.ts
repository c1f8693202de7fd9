import { formatHostPort, parseHostPort, withoutUserinfo, type HostPort } from '../common/host-port.js';
import { DEFAULT_COLLECTOR_PORT } from '../common/report.js';
import { UsageError } from './usage-error.js';

/** Where reports go. host is absent when it is to come from the default gateway. */
export interface ServerSpec {
  host?: string;
  port: number;
}

export type ServerAddress = HostPort;

/**
 * Parses HOST:PORT, :PORT, HOST, [IPV6]:PORT or [IPV6] (src/common/host-port.ts). A bare IPv6
 * address (two or more colons, no brackets) is taken as a host. `origin` names where the text
 * came from.
 */
export function parseServer(text: string, origin: string): ServerSpec {
  const parsed = parseHostPort(text, { defaultPort: DEFAULT_COLLECTOR_PORT, hostOptional: true });
  if (parsed.ok) return parsed.value.host === '' ? { port: parsed.value.port } : parsed.value;
  const shown = withoutUserinfo(text);
  switch (parsed.problem) {
    case 'bad-port':
      throw new UsageError(`${origin} '${shown}': port must be a number from 1 to 65535`);
    case 'not-ipv6':
      throw new UsageError(`${origin} '${shown}': ${parsed.reason}`);
    default:
      throw new UsageError(`${origin} '${shown}' ${parsed.reason}`);
  }
}

/** host:port for messages and URLs, with IPv6 in brackets. */
export const formatAddress = formatHostPort;
