import { readFileSync } from 'node:fs';

// Flags of /proc/net/route, from <linux/route.h>.
const RTF_UP = 0x0001;
const RTF_GATEWAY = 0x0002;

/** The gateway field is the address in host byte order, printed in hex: little-endian here. */
function hexToIPv4(hex: string): string {
  const n = Number.parseInt(hex, 16);
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff].join('.');
}

/**
 * The IPv4 default gateway from the text of /proc/net/route: among the routes that are up,
 * go through a gateway and have destination and mask 0, the one with the lowest metric
 * (the first on a tie, as the kernel lists them). null when there is none.
 */
export function parseDefaultGateway(routeTable: string): string | null {
  let best: { gateway: string; metric: number } | null = null;
  for (const line of routeTable.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const [, destination, gateway, flagsHex, , , metricText, mask] = f as [string, string, string, string, string, string, string, string];
    const flags = Number.parseInt(flagsHex, 16);
    if (destination !== '00000000' || mask !== '00000000') continue;
    if ((flags & (RTF_UP | RTF_GATEWAY)) !== (RTF_UP | RTF_GATEWAY)) continue;
    if (!/^[0-9A-Fa-f]{8}$/.test(gateway)) continue;
    const metric = Number.parseInt(metricText, 10);
    if (best === null || metric < best.metric) best = { gateway: hexToIPv4(gateway), metric };
  }
  return best?.gateway ?? null;
}

/** Reads the default gateway of this network namespace; null when unknown. */
export function readDefaultGateway(path = '/proc/net/route'): string | null {
  try {
    return parseDefaultGateway(readFileSync(path, 'latin1'));
  } catch {
    return null;
  }
}
