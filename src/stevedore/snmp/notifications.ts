import { integer32, stringIndex, rowIndex, type VarBind, type Oid } from '../../agentx/index.js';
import type { StateChange } from '../registry/events.js';
import { TALLYMAN_STATE } from './smi-values.js';
import { instanceColumns as I, notifications, serviceColumns as S, tallymanInstanceEntry, tallymanServiceEntry } from './tallyman-mib.js';

export interface Notification {
  trapOid: Oid;
  varbinds: VarBind[];
}

/**
 * The TALLYMAN-MIB notification for a state change: tallymanServiceStateChange with the new
 * tallymanServiceState, or tallymanInstanceStateChange with tallymanInstanceState and
 * tallymanInstanceExitCode, each named by its row. A row that vanishes (expired instance,
 * service removed by a reload) sends none: the stale state before it did.
 */
export function notificationFor(change: StateChange): Notification | null {
  if (change.to === null) return null;
  if (change.kind === 'service') {
    const index = stringIndex(change.service);
    return {
      trapOid: notifications.tallymanServiceStateChange,
      varbinds: [{ name: [...tallymanServiceEntry, S.tallymanServiceState, ...index], value: integer32(TALLYMAN_STATE[change.to]) }],
    };
  }
  const index = rowIndex(stringIndex(change.service), stringIndex(change.hostname));
  return {
    trapOid: notifications.tallymanInstanceStateChange,
    varbinds: [
      { name: [...tallymanInstanceEntry, I.tallymanInstanceState, ...index], value: integer32(TALLYMAN_STATE[change.to]) },
      { name: [...tallymanInstanceEntry, I.tallymanInstanceExitCode, ...index], value: integer32(change.exitCode) },
    ],
  };
}
