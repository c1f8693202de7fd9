import type { StateCounts } from '../../registry/states.js';
import type { InstanceRecord } from './keys.js';

/**
 * The cluster view's read port, for sinks (the JSON API's /v1/cluster routes, TALLYMAN-MIB's
 * cluster tables): what the view holds now. A read changes nothing.
 */
export interface ClusterReader {
  readonly cluster: string;
  /** Every host, by name. */
  hosts(): readonly ClusterHost[];
  /** Every host's instances of one service, by host then instance name. */
  instancesOf(service: string): readonly ClusterInstance[];
  /** One host's instances. */
  instancesOnHost(host: string): readonly ClusterInstance[];
  /** Grows with every change of the view: a sink that caches compares it. */
  generation(): number;
  /** The view's own link to etcd: while cut off, it shows the last view it had. */
  connection(): ClusterConnection;
}

/** up: its lease lives; lost: its keys vanished (its stevedore or its host died). */
export type ClusterHostState = 'up' | 'lost';

export interface ClusterHost {
  readonly host: string;
  readonly state: ClusterHostState;
  /** Wall time (ms) of the last change of state, as the view saw it. */
  readonly since: number;
  /** The host's stevedore version, from its host record ('' when lost before it was read). */
  readonly version: string;
  readonly counts: StateCounts;
}

export interface ClusterInstance extends InstanceRecord {
  readonly host: string;
  readonly service: string;
  readonly instance: string;
  /** Why the view shows it stale when its own host did not say so; null otherwise. */
  readonly reason: 'host lost' | null;
}

export interface ClusterConnection {
  /** connecting: not yet read; watching: up to date; cut-off: etcd unreachable, the last view shown. */
  readonly state: 'connecting' | 'watching' | 'cut-off';
  /** Wall time (ms) of the last change of state. */
  readonly since: number;
  /** The etcd revision the view is up to date with. */
  readonly revision: number;
}
