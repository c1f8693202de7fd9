import type { RemovalCause } from '../registry/events.js';
import type { InstanceState, ServiceState } from '../registry/states.js';

/**
 * TallymanState ::= INTEGER { ok(1), degraded(2), failing(3), stale(4), unknown(5) }, in order
 * of severity: tallymanSummaryState is the greatest.
 */
export const TALLYMAN_STATE: Record<ServiceState, number> = { ok: 1, degraded: 2, failing: 3, stale: 4, unknown: 5 };

/** TallymanInstanceHealth ::= INTEGER { ok(1), starting(2), failing(3), stale(4) } */
export const INSTANCE_HEALTH: Record<InstanceState, number> = { ok: 1, failing: 3, stale: 4 };

/** TallymanRemovalReason ::= INTEGER { expired(1), containerDestroyed(2), containerGone(3), serviceRemoved(4) } */
export const REMOVAL_REASON: Record<RemovalCause, number> = { expired: 1, 'container destroyed': 2, 'container gone': 3, 'service removed': 4 };

/** The previous-state objects' none(0): the row did not exist before. */
export const NO_STATE = 0;

/**
 * RFC 2579 DateAndTime in UTC, the 11-octet form: year (2 octets, network order), month, day,
 * hour, minutes, seconds, deci-seconds, then '+', 0, 0 for the offset from UTC.
 */
export function dateAndTime(ms: number | null): Buffer {
  // "Never" is the Unix epoch (the MIB says so): tools converting to seconds show 0.
  const d = new Date(ms ?? 0);
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
