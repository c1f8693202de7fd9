/**
 * The cluster's layout in etcd, shared by the publishing sink and the view:
 *
 *     /tallyman/v1/CLUSTER/hosts/HOST/host                        HostRecord (JSON)
 *     /tallyman/v1/CLUSTER/hosts/HOST/instances/SERVICE/INSTANCE  InstanceRecord (JSON)
 *
 * Every key of a host hangs on that host's one lease: when the host or its stevedore dies, the
 * lease expires and all its keys vanish at once. CLUSTER and HOST are 1 to 32 characters of
 * [A-Za-z0-9_.-], SERVICE and INSTANCE follow the report's rules: no part holds a '/'.
 */
import { output1Line } from '../../../common/output-line.js';
import type { InstanceView } from '../../registry/records.js';
import type { InstanceState } from '../../registry/states.js';
import { INSTANCE_STATES } from '../../registry/states.js';

export const clusterPrefix = (cluster: string): string => `/tallyman/v1/${cluster}/hosts/`;
export const hostPrefix = (cluster: string, host: string): string => `${clusterPrefix(cluster)}${host}/`;
export const hostKey = (cluster: string, host: string): string => `${hostPrefix(cluster, host)}host`;
export const instanceKey = (cluster: string, host: string, service: string, instance: string): string =>
  `${hostPrefix(cluster, host)}instances/${service}/${instance}`;

/** A host's own record: who publishes, since when. */
export interface HostRecord {
  /** stevedore's version. */
  version: string;
  /** Wall time (ms) this stevedore began publishing. */
  since: number;
}

/** An instance as the cluster shows it: the fields an NMS shows, nothing that changes with every report. */
export interface InstanceRecord {
  state: InstanceState;
  /** Wall times (ms). */
  stateSince: number;
  lastReport: number;
  exitCode: number;
  /** The first non-empty line of its output (tallymanInstanceOutput1Line). */
  output: string;
  container: { name: string; image: string } | null;
}

export function instanceRecord(view: InstanceView): InstanceRecord {
  return {
    state: view.state,
    stateSince: view.stateSince,
    lastReport: view.receivedAt,
    exitCode: view.report.exitCode,
    output: output1Line(view.report.stdout, view.report.stderr),
    container: view.container === null ? null : { name: view.container.name, image: view.container.image },
  };
}

export type ClusterKey = { kind: 'host'; host: string } | { kind: 'instance'; host: string; service: string; instance: string };

/** What a key under clusterPrefix(cluster) names; null for a key of no known shape. */
export function parseClusterKey(cluster: string, key: string): ClusterKey | null {
  const prefix = clusterPrefix(cluster);
  if (!key.startsWith(prefix)) return null;
  const parts = key.slice(prefix.length).split('/');
  if (parts.length === 2 && parts[1] === 'host' && parts[0]) return { kind: 'host', host: parts[0] };
  if (parts.length === 4 && parts[1] === 'instances' && parts[0] && parts[2] && parts[3]) return { kind: 'instance', host: parts[0], service: parts[2], instance: parts[3] };
  return null;
}

/** A record as read back from etcd, or null when it is not one (written by something else). */
export function parseInstanceRecord(text: string): InstanceRecord | null {
  try {
    const r = JSON.parse(text) as Partial<InstanceRecord>;
    if (!INSTANCE_STATES.includes(r.state as InstanceState) || typeof r.stateSince !== 'number' || typeof r.lastReport !== 'number' || typeof r.exitCode !== 'number') return null;
    const container = r.container && typeof r.container.name === 'string' && typeof r.container.image === 'string' ? { name: r.container.name, image: r.container.image } : null;
    return { state: r.state as InstanceState, stateSince: r.stateSince, lastReport: r.lastReport, exitCode: r.exitCode, output: typeof r.output === 'string' ? r.output : '', container };
  } catch {
    return null;
  }
}
