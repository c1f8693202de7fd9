import { isIP } from 'node:net';
import { parseHostPort } from '../../common/host-port.js';

/**
 * The names this host answers to by itself: `localhost` and its own host name, with and without
 * the domain part (`box.example.net` and `box`), lower-cased.
 */
export function ownHostNames(hostname: string): ReadonlySet<string> {
  const name = hostname.toLowerCase();
  return new Set(['localhost', name, name.split('.')[0]!].filter((n) => n !== ''));
}

/**
 * Whether a request's Host header (RFC 9110 section 7.2) names this host in a way no one else's
 * DNS can: an IP literal (IPv6 in brackets, RFC 3986 section 3.2.2), or one of `names`, with or
 * without a port. A page that rebinds its own DNS name to 127.0.0.1 reaches the listener with
 * its name in Host, and is told apart by that. A request without Host (HTTP/1.0) passes: a
 * browser always sends one.
 */
export function isOwnHost(host: string | undefined, names: ReadonlySet<string>): boolean {
  if (host === undefined) return true;
  const parsed = parseHostPort(host, { defaultPort: 80 });
  if (!parsed.ok) return false;
  const family = isIP(parsed.value.host);
  if (family === 4) return true;
  if (family === 6) return host.startsWith('[');
  const name = parsed.value.host.toLowerCase();
  if (names.has(name)) return true;
  // A dotted name written fully qualified (RFC 1034 section 3.1: the final dot) is the same name.
  // A single label with a dot (`localhost.`, `box.`) is a top-level domain, looked up in DNS: no.
  const bare = name.slice(0, -1);
  return name.endsWith('.') && bare.includes('.') && names.has(bare);
}
