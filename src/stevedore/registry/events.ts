import type { InstanceState, ServiceState } from './states.js';

/**
 * A state change, with the old and the new state. null stands for "absent": an instance that
 * appears changes from null, one that is removed changes to null; likewise for services that a
 * reload adds or removes. `at` is when the change happened (for stale and expiry: the deadline,
 * not the moment the sweep noticed).
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
 * was no longer there at a reconcile; service removed: a reload removed its service.
 */
export type RemovalCause = 'expired' | 'container destroyed' | 'container gone' | 'service removed';

export type StateChangeListener = (change: StateChange) => void;
