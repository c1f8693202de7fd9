/**
 * TALLYMAN-MIB's object identifiers, as mib/TALLYMAN-MIB.txt assigns them.
 * test/stevedore/snmp/tallyman-mib.test.ts checks every one against the MIB file through
 * snmptranslate, so the two cannot drift.
 */
import { parseOid, type Oid } from '../../agentx/index.js';

/** tallymanMIB ::= { enterprises 8072 9999 8990 } (Net-SNMP's experimental arc, for now). */
export const tallymanMIB: Oid = parseOid('1.3.6.1.4.1.8072.9999.8990');

const under = (parent: Oid, ...ids: number[]): Oid => [...parent, ...ids];

export const tallymanNotifications = under(tallymanMIB, 0);
export const tallymanObjects = under(tallymanMIB, 1);

export const scalars = {
  tallymanVersion: under(tallymanObjects, 1),
  tallymanUptime: under(tallymanObjects, 2),
  tallymanReportsAccepted: under(tallymanObjects, 3),
  tallymanReportsRejected: under(tallymanObjects, 4),
  tallymanServiceCount: under(tallymanObjects, 5),
  tallymanInstanceCount: under(tallymanObjects, 6),
  tallymanSummaryState: under(tallymanObjects, 7),
  tallymanInstancesOk: under(tallymanObjects, 8),
  tallymanInstancesFailing: under(tallymanObjects, 9),
  tallymanInstancesStale: under(tallymanObjects, 12),
} as const;

export const tallymanServiceEntry = under(tallymanObjects, 10, 1);
/** Columns of tallymanServiceEntry; 1, tallymanServiceName, is the index (not-accessible). */
export const serviceColumns = {
  tallymanServiceState: 2,
  tallymanServiceInstances: 3,
  tallymanServiceOk: 4,
  tallymanServiceFailing: 5,
  tallymanServiceStale: 6,
  tallymanServiceLastReport: 7,
  tallymanServiceDescription: 8,
  tallymanServiceStateSince: 9,
} as const;

export const tallymanInstanceEntry = under(tallymanObjects, 11, 1);
/** Columns of tallymanInstanceEntry; 1, tallymanInstanceName, is the index (not-accessible). */
export const instanceColumns = {
  tallymanInstanceState: 2,
  tallymanInstanceExitCode: 3,
  tallymanInstanceStdout: 4,
  tallymanInstanceStderr: 5,
  tallymanInstanceValue: 6,
  tallymanInstanceLastReport: 7,
  tallymanInstanceAge: 8,
  tallymanInstanceReports: 9,
  tallymanInstanceFailures: 10,
  tallymanInstanceAddress: 11,
  tallymanInstanceContainerName: 12,
  tallymanInstanceImage: 13,
  tallymanInstanceStateSince: 14,
  tallymanInstanceConsecutiveFailures: 15,
  tallymanInstanceDurationMs: 16,
  tallymanInstanceTimedOut: 17,
  tallymanInstanceOutput1Line: 18,
} as const;

export const tallymanNotifyObjects = under(tallymanObjects, 20);
/** accessible-for-notify scalars: only notifications carry them (instance .0). */
export const notifyObjects = {
  tallymanNotifyServiceName: under(tallymanNotifyObjects, 1),
  tallymanNotifyInstanceName: under(tallymanNotifyObjects, 2),
  tallymanNotifyPrevServiceState: under(tallymanNotifyObjects, 3),
  tallymanNotifyPrevInstanceState: under(tallymanNotifyObjects, 4),
  tallymanNotifyRemovalReason: under(tallymanNotifyObjects, 5),
  tallymanNotifyClusterHost: under(tallymanNotifyObjects, 6),
} as const;

/** The cluster (cluster-view yes): the cut-off scalar, the hosts, every host's instances. */
export const tallymanCluster = under(tallymanObjects, 30);
export const tallymanClusterViewCutOff = under(tallymanCluster, 1);
export const tallymanClusterHostEntry = under(tallymanCluster, 2, 1);
/** Columns of tallymanClusterHostEntry; 1, tallymanClusterHostName, is the index (not-accessible). */
export const clusterHostColumns = {
  tallymanClusterHostState: 2,
  tallymanClusterHostSince: 3,
  tallymanClusterHostInstances: 4,
  tallymanClusterHostOk: 5,
  tallymanClusterHostFailing: 6,
  tallymanClusterHostStale: 7,
} as const;

export const tallymanClusterInstanceEntry = under(tallymanCluster, 3, 1);
/** Columns of tallymanClusterInstanceEntry; 1 and 2, the service and instance names, are index (not-accessible). */
export const clusterInstanceColumns = {
  tallymanClusterInstState: 3,
  tallymanClusterInstSince: 4,
  tallymanClusterInstLastReport: 5,
  tallymanClusterInstExitCode: 6,
  tallymanClusterInstOutput1Line: 7,
  tallymanClusterInstContainer: 8,
  tallymanClusterInstImage: 9,
  tallymanClusterInstHostLost: 10,
} as const;
/** The index's bounds (TALLYMAN-MIB, tallymanClusterInstanceTable): 14 + 33 + 41 + 40 = 128 sub-identifiers. */
export const CLUSTER_INDEX_MAX = { host: 32, service: 40, instance: 39 } as const;

export const notifications = {
  tallymanServiceStateChange: under(tallymanNotifications, 1),
  tallymanInstanceStateChange: under(tallymanNotifications, 2),
  tallymanInstanceRemoved: under(tallymanNotifications, 3),
  tallymanClusterHostLost: under(tallymanNotifications, 4),
  tallymanClusterHostBack: under(tallymanNotifications, 5),
} as const;

/** Every named OID, for the agreement test. */
export function namedOids(): Record<string, Oid> {
  const named: Record<string, Oid> = { tallymanMIB, tallymanNotifications, tallymanObjects, tallymanServiceEntry, tallymanInstanceEntry, tallymanNotifyObjects, ...scalars, ...notifyObjects, ...notifications };
  for (const [name, column] of Object.entries(serviceColumns)) named[name] = under(tallymanServiceEntry, column);
  for (const [name, column] of Object.entries(instanceColumns)) named[name] = under(tallymanInstanceEntry, column);
  for (const [name, column] of Object.entries(clusterHostColumns)) named[name] = under(tallymanClusterHostEntry, column);
  for (const [name, column] of Object.entries(clusterInstanceColumns)) named[name] = under(tallymanClusterInstanceEntry, column);
  Object.assign(named, { tallymanCluster, tallymanClusterViewCutOff, tallymanClusterHostEntry, tallymanClusterInstanceEntry });
  named.tallymanClusterHostName = under(tallymanClusterHostEntry, 1);
  named.tallymanClusterInstService = under(tallymanClusterInstanceEntry, 1);
  named.tallymanClusterInstName = under(tallymanClusterInstanceEntry, 2);
  named.tallymanServiceName = under(tallymanServiceEntry, 1);
  named.tallymanInstanceName = under(tallymanInstanceEntry, 1);
  return named;
}
