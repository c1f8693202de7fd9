import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';

/**
 * The host's address for ports published on 0.0.0.0 and ::: the first IPv4 address of the
 * interface of the default route (/proc/net/route: destination 00000000), or null when the
 * host has no default route.
 */
export function defaultRouteAddress(routeTable = '/proc/net/route'): string | null {
  let text: string;
  try {
    text = readFileSync(routeTable, 'utf8');
  } catch {
    return null;
  }
  for (const line of text.split('\n').slice(1)) {
    const [iface, destination, , , , , , mask] = line.trim().split(/\s+/);
    if (iface === undefined || destination !== '00000000' || mask !== '00000000') continue;
    const address = (networkInterfaces()[iface] ?? []).find((a) => a.family === 'IPv4' && !a.internal);
    if (address !== undefined) return address.address;
  }
  return null;
}
