/** An instance's state, from its last report and its age. */
export const INSTANCE_STATES = ['ok', 'failing', 'stale'] as const;
export type InstanceState = (typeof INSTANCE_STATES)[number];

/** A service's state, from its instances' states. */
export const SERVICE_STATES = ['unknown', 'ok', 'degraded', 'failing', 'stale'] as const;
export type ServiceState = (typeof SERVICE_STATES)[number];

export interface StateCounts {
  ok: number;
  failing: number;
  stale: number;
}

/** A fresh report's verdict: exit 0 within the time allowed is ok, anything else failing. */
export function verdict(exitCode: number, timedOut: boolean): InstanceState {
  return exitCode === 0 && !timedOut ? 'ok' : 'failing';
}

/**
 * unknown: no instances; ok: all ok; failing: none ok, at least one failing;
 * stale: all stale; degraded: otherwise (some ok, some not).
 */
export function serviceState(counts: StateCounts): ServiceState {
  const instances = counts.ok + counts.failing + counts.stale;
  if (instances === 0) return 'unknown';
  if (counts.ok === instances) return 'ok';
  if (counts.stale === instances) return 'stale';
  if (counts.ok === 0 && counts.failing > 0) return 'failing';
  return 'degraded';
}
