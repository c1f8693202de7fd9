import type { RemovalCause } from '../registry/events.js';
import type { InstanceState, ServiceState } from '../registry/states.js';

/**
 * TallymanState ::= INTEGER { ok(1), degraded(2), failing(3), stale(4), unknown(5) }, in order
 * of severity: tallymanSummaryState is the greatest.
 */
export const TALLYMAN_STATE: Record<ServiceState, number> = { ok: 1, degraded: 2, failing: 3, stale: 4, unknown: 5 };

/** TallymanInstanceHealth ::= INTEGER { ok(1), starting(2), failing(3), stale(4) } */
export const INSTANCE_HEALTH: Record<InstanceState, number> = { ok: 1, starting: 2, failing: 3, stale: 4 };

/** TallymanRemovalReason ::= INTEGER { expired(1), containerDestroyed(2), containerGone(3), serviceRemoved(4), replaced(5), sourceOff(6) } */
export const REMOVAL_REASON: Record<RemovalCause, number> = { expired: 1, 'container destroyed': 2, 'container gone': 3, 'service removed': 4, replaced: 5, 'source off': 6 };

/** The previous-state objects' none(0): the row did not exist before. */
export const NO_STATE = 0;

const DAY_MS = 86_400_000;

/**
 * RFC 2579 DateAndTime in UTC, the 11-octet form: year (2 octets, network order), month, day,
 * hour, minutes, seconds, deci-seconds, then '+', 0, 0 for the offset from UTC. null, never,
 * is the Unix epoch (as the MIB says). Computed without a Date, which costs twice as much
 * and is read for two columns of every instance row in a walk.
 */
export function dateAndTime(ms: number | null): Uint8Array {
  const t = ms ?? 0;
  const days = Math.floor(t / DAY_MS);
  const inDay = t - days * DAY_MS;
  const { year, month, day } = civilFromDays(days);
  const b = new Uint8Array(11);
  b[0] = year >> 8;
  b[1] = year & 0xff;
  b[2] = month;
  b[3] = day;
  b[4] = Math.floor(inDay / 3_600_000);
  b[5] = Math.floor(inDay / 60_000) % 60;
  b[6] = Math.floor(inDay / 1000) % 60;
  b[7] = Math.floor((inDay % 1000) / 100);
  b[8] = 0x2b; // '+', then 0 hours and 0 minutes from UTC
  return b;
}

/** The proleptic Gregorian date of a day number (days since 1970-01-01), by H. Hinnant's civil_from_days. */
function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}
