/** An instance's state, from its last result and its age. */
export const INSTANCE_STATES = ['ok', 'starting', 'failing', 'stale'] as const;
export type InstanceState = (typeof INSTANCE_STATES)[number];

/** What a fresh result can say of an instance: stale comes only from age or Docker. */
export type FreshState = Exclude<InstanceState, 'stale'>;

/** A service's state, from its instances' states. */
export const SERVICE_STATES = ['unknown', 'ok', 'degraded', 'failing', 'stale'] as const;
export type ServiceState = (typeof SERVICE_STATES)[number];

export interface StateCounts {
  ok: number;
  starting: number;
  failing: number;
  stale: number;
}

export const noCounts = (): StateCounts => ({ ok: 0, starting: 0, failing: 0, stale: 0 });

/** A fresh report's verdict: exit 0 within the time allowed is ok, anything else failing. */
export function verdict(exitCode: number, timedOut: boolean): FreshState {
  return exitCode === 0 && !timedOut ? 'ok' : 'failing';
}

/**
 * Starting instances (no verdict yet) do not count toward the verdict of the others:
 * unknown: no instances; degraded: every instance starting (a warning, as a starting instance
 * is); otherwise, over the instances that have a verdict: ok: all ok; stale: all stale;
 * failing: none ok, at least one failing; degraded: otherwise (some ok, some not).
 */
export function serviceState(counts: StateCounts): ServiceState {
  const judged = counts.ok + counts.failing + counts.stale;
  if (judged + counts.starting === 0) return 'unknown';
  if (judged === 0) return 'degraded';
  if (counts.ok === judged) return 'ok';
  if (counts.stale === judged) return 'stale';
  if (counts.ok === 0 && counts.failing > 0) return 'failing';
  return 'degraded';
}
