import { integer32, octetString, rowIndex, stringIndex, type Oid, type VarBind } from '../../agentx/index.js';
import type { StateChange } from '../registry/events.js';
import { output1Line } from '../../common/output-line.js';
import { INSTANCE_HEALTH, NO_STATE, REMOVAL_REASON, TALLYMAN_STATE } from './smi-values.js';
import type { ClusterHostState } from '../integrations/cluster/reader.js';
import { HOST_STATE } from './cluster-objects.js';
import { clusterHostColumns, instanceColumns as I, notifications, notifyObjects as N, serviceColumns as S, tallymanClusterHostEntry, tallymanInstanceEntry, tallymanServiceEntry } from './tallyman-mib.js';

export interface Notification {
  trapOid: Oid;
  varbinds: VarBind[];
}

/** An accessible-for-notify scalar's varbind: the object with instance 0, as for any scalar. */
const notifyVarbind = (object: Oid, value: VarBind['value']): VarBind => ({ name: [...object, 0], value });

/**
 * The TALLYMAN-MIB notification for a state change, its varbinds in the order of the
 * NOTIFICATION-TYPE's OBJECTS clause (RFC 3416 section 4.2.6):
 * - tallymanServiceStateChange: the new tallymanServiceState (named by its row), the service's
 *   name, its previous state;
 * - tallymanInstanceStateChange: the new tallymanInstanceState and tallymanInstanceExitCode
 *   (named by their row), the service's and instance's names, the previous state, the first
 *   line of the output;
 * - tallymanInstanceRemoved: the names, the state the instance had, why it was removed.
 * A service removed by a reload sends none: each of its instances sends tallymanInstanceRemoved.
 */
export function notificationFor(change: StateChange): Notification | null {
  if (change.kind === 'service') {
    if (change.to === null) return null;
    return {
      trapOid: notifications.tallymanServiceStateChange,
      varbinds: [
        { name: [...tallymanServiceEntry, S.tallymanServiceState, ...stringIndex(change.service)], value: integer32(TALLYMAN_STATE[change.to]) },
        notifyVarbind(N.tallymanNotifyServiceName, octetString(change.service)),
        notifyVarbind(N.tallymanNotifyPrevServiceState, integer32(change.from === null ? NO_STATE : TALLYMAN_STATE[change.from])),
      ],
    };
  }
  const names = [notifyVarbind(N.tallymanNotifyServiceName, octetString(change.service)), notifyVarbind(N.tallymanNotifyInstanceName, octetString(change.hostname))];
  const previous = notifyVarbind(N.tallymanNotifyPrevInstanceState, integer32(change.from === null ? NO_STATE : INSTANCE_HEALTH[change.from]));
  if (change.to === null) {
    return {
      trapOid: notifications.tallymanInstanceRemoved,
      varbinds: [...names, previous, notifyVarbind(N.tallymanNotifyRemovalReason, integer32(REMOVAL_REASON[change.cause ?? 'expired']))],
    };
  }
  const row = (column: number): Oid => [...tallymanInstanceEntry, column, ...rowIndex(stringIndex(change.service), stringIndex(change.hostname))];
  return {
    trapOid: notifications.tallymanInstanceStateChange,
    varbinds: [
      { name: row(I.tallymanInstanceState), value: integer32(INSTANCE_HEALTH[change.to]) },
      { name: row(I.tallymanInstanceExitCode), value: integer32(change.exitCode) },
      ...names,
      previous,
      { name: row(I.tallymanInstanceOutput1Line), value: octetString(output1Line(change.output.stdout, change.output.stderr)) },
    ],
  };
}

/**
 * tallymanClusterHostLost or tallymanClusterHostBack: the host's tallymanClusterHostState (named
 * by its row) and its name, in the order of the OBJECTS clause.
 */
export function clusterHostNotification(host: string, state: ClusterHostState): Notification {
  return {
    trapOid: state === 'lost' ? notifications.tallymanClusterHostLost : notifications.tallymanClusterHostBack,
    varbinds: [
      { name: [...tallymanClusterHostEntry, clusterHostColumns.tallymanClusterHostState, ...stringIndex(host)], value: integer32(HOST_STATE[state]) },
      notifyVarbind(N.tallymanNotifyClusterHost, octetString(host)),
    ],
  };
}
