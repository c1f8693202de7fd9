import type { InstanceState, ServiceState } from '../registry/states.js';

/** TallymanState ::= INTEGER { ok(1), degraded(2), failing(3), stale(4), unknown(5) } */
export const TALLYMAN_STATE: Record<ServiceState | InstanceState, number> = { ok: 1, degraded: 2, failing: 3, stale: 4, unknown: 5 };

/** A DateAndTime that says "never": the MIB's '0000000000000000'H. */
const NEVER = Buffer.alloc(8);

/**
 * RFC 2579 DateAndTime in UTC, the 11-octet form: year (2 octets, network order), month, day,
 * hour, minutes, seconds, deci-seconds, then '+', 0, 0 for the offset from UTC.
 */
export function dateAndTime(ms: number | null): Buffer {
  if (ms === null) return NEVER;
  const d = new Date(ms);
  const b = Buffer.alloc(11);
  b.writeUInt16BE(d.getUTCFullYear(), 0);
  b[2] = d.getUTCMonth() + 1;
  b[3] = d.getUTCDate();
  b[4] = d.getUTCHours();
  b[5] = d.getUTCMinutes();
  b[6] = d.getUTCSeconds();
  b[7] = Math.floor(d.getUTCMilliseconds() / 100);
  b[8] = 0x2b; // '+'
  return b;
}
