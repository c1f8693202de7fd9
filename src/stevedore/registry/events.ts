import type { InstanceState, ServiceState } from './states.js';

/**
 * A state change, with the old and the new state. null stands for "absent": an instance that
 * appears changes from null, one that is removed changes to null; likewise for services that a
 * reload adds or removes. `at` is when the change happened, as wall time (for stale and expiry:
 * the deadline, not the moment the sweep noticed).
 */
export type StateChange =
  | {
      kind: 'instance';
      service: string;
      hostname: string;
      from: InstanceState | null;
      to: InstanceState | null;
      at: number;
      /** The exit code of the last report. */
      exitCode: number;
      /** The last report's output, for notifications that carry its first line. */
      output: { stdout: string; stderr: string };
      /** Why an instance was removed (to null). */
      cause?: RemovalCause;
    }
  | { kind: 'service'; service: string; from: ServiceState | null; to: ServiceState | null; at: number };

/**
 * expired: stale for the expire time; destroyed: its container was removed; gone: its container
 * was no longer there at a reconcile; service removed: a reload removed its service; replaced:
 * its container's health now comes from tallyman's reports under another name (origins.ts);
 * source off: a reload turned off the source that fed it.
 */
export type RemovalCause = 'expired' | 'container destroyed' | 'container gone' | 'service removed' | 'replaced' | 'source off';

/** An accepted result changed an instance's values (output, counters), whether or not its state changed. */
export interface InstanceReported {
  kind: 'reported';
  service: string;
  hostname: string;
}

/** One source of a hostname conflict, as the registry last heard from it. */
export interface ConflictSource {
  address: string;
  /** The container's name, when stevedore follows Docker and knows it. */
  container: string | null;
  /** Wall time of its last result. */
  lastSeen: number;
}

/**
 * Two or more sources report the same instance (service, hostname) within its ttl: emitted when
 * that starts and at most once a minute while it lasts, naming every source.
 */
export interface HostnameConflict {
  kind: 'conflict';
  service: string;
  hostname: string;
  sources: ConflictSource[];
  /** Wall time the conflict began. */
  since: number;
}

/**
 * A hostname conflict is over: every source but one has been silent for the ttl, and the
 * instance's state is that source's own again. Emitted once, with the result that ended it.
 */
export interface HostnameConflictEnded {
  kind: 'conflict-ended';
  service: string;
  hostname: string;
  /** The one source left. */
  source: ConflictSource;
  /** Wall time the conflict began. */
  since: number;
}

/** The one stream every sink subscribes to. Writes and the sweeper emit; reads never do. */
export type RegistryEvent = StateChange | InstanceReported | HostnameConflict | HostnameConflictEnded;

export type RegistryListener = (event: RegistryEvent) => void;

export const isStateChange = (event: RegistryEvent): event is StateChange => event.kind === 'instance' || event.kind === 'service';
