import { gauge32, integer32, octetString, rowIndex, stringIndex, type MibObject, type Oid, type TableRow, type Value, type VarBind } from '../../agentx/index.js';
import type { ClusterHost, ClusterInstance, ClusterReader } from '../integrations/cluster/reader.js';
import { liveScalar, liveTable, type LiveObject } from './live-objects.js';
import { dateAndTime, INSTANCE_HEALTH } from './smi-values.js';
import {
  CLUSTER_INDEX_MAX,
  clusterHostColumns as H,
  clusterInstanceColumns as C,
  tallymanClusterHostEntry,
  tallymanClusterInstanceEntry,
  tallymanClusterViewCutOff,
} from './tallyman-mib.js';

/** TruthValue (RFC 2579). */
const truth = (value: boolean): Value => integer32(value ? 1 : 2);
/** tallymanClusterHostState: numbered by severity. */
export const HOST_STATE = { up: 1, lost: 3 } as const;

function hostRow(h: ClusterHost): TableRow {
  return {
    index: stringIndex(h.host),
    value(column: number): Value | undefined {
      switch (column) {
        case H.tallymanClusterHostState:
          return integer32(HOST_STATE[h.state]);
        case H.tallymanClusterHostSince:
          return octetString(dateAndTime(h.since));
        case H.tallymanClusterHostInstances:
          return gauge32(h.counts.ok + h.counts.failing + h.counts.stale);
        case H.tallymanClusterHostOk:
          return gauge32(h.counts.ok);
        case H.tallymanClusterHostFailing:
          return gauge32(h.counts.failing);
        case H.tallymanClusterHostStale:
          return gauge32(h.counts.stale);
      }
      return undefined;
    },
  };
}

/** Whether the row's index fits the 128 sub-identifiers of an OID (see tallymanClusterInstanceTable). */
export const nameable = (i: ClusterInstance): boolean =>
  i.host.length <= CLUSTER_INDEX_MAX.host && i.service.length <= CLUSTER_INDEX_MAX.service && i.instance.length <= CLUSTER_INDEX_MAX.instance;

function instanceRow(i: ClusterInstance): TableRow {
  return {
    index: rowIndex(stringIndex(i.host), stringIndex(i.service), stringIndex(i.instance)),
    value(column: number): Value | undefined {
      switch (column) {
        case C.tallymanClusterInstState:
          return integer32(INSTANCE_HEALTH[i.state]);
        case C.tallymanClusterInstSince:
          return octetString(dateAndTime(i.stateSince));
        case C.tallymanClusterInstLastReport:
          return octetString(dateAndTime(i.lastReport));
        case C.tallymanClusterInstExitCode:
          return integer32(i.exitCode);
        case C.tallymanClusterInstOutput1Line:
          return octetString(i.output);
        case C.tallymanClusterInstContainer:
          return octetString(i.container?.name ?? '');
        case C.tallymanClusterInstImage:
          return octetString(i.container?.image ?? '');
        case C.tallymanClusterInstHostLost:
          return truth(i.reason === 'host lost');
      }
      return undefined;
    },
  };
}

/** A live table rebuilt when the view's generation moved since the last request. */
class FollowingTable implements MibObject {
  private seen = -1;
  constructor(
    private readonly table: LiveObject,
    private readonly generation: () => number,
  ) {}
  get oid(): Oid {
    return this.table.oid;
  }
  private sync(): void {
    const now = this.generation();
    if (now !== this.seen) this.table.invalidate();
    this.seen = now;
  }
  get(name: Oid): Value {
    this.sync();
    return this.table.get(name);
  }
  next(start: Oid, include: boolean): VarBind | undefined {
    this.sync();
    return this.table.next(start, include);
  }
}

/** TALLYMAN-MIB's cluster objects, from the cluster view (empty tables without one). */
export function clusterObjects(cluster: () => ClusterReader | null): MibObject[] {
  const generation = (): number => cluster()?.generation() ?? -2;
  const hosts = liveTable(tallymanClusterHostEntry, Object.values(H), () => cluster()?.hosts().map(hostRow) ?? []);
  const instances = liveTable(tallymanClusterInstanceEntry, Object.values(C), () =>
    (cluster()?.hosts() ?? []).flatMap((h) => (cluster()?.instancesOnHost(h.host) ?? []).filter(nameable).map(instanceRow)),
  );
  return [
    liveScalar(tallymanClusterViewCutOff, () => truth(cluster()?.connection().state === 'cut-off')),
    new FollowingTable(hosts, generation),
    new FollowingTable(instances, generation),
  ];
}
