import type { VarBind } from '../agentx/codec/varbind.js';
import { MibView } from '../agentx/mib/view.js';
import { ScalarObject, type MibObject, type ScalarSpec } from '../agentx/mib/objects.js';
import { parseOid, type Oid } from '../agentx/mib/oid.js';
import { counter32, integer32, objectIdentifier, octetString, timeTicks } from '../agentx/mib/smi.js';
import { ValueType } from '../agentx/codec/constants.js';

/** RFC 3418 section 2: the system group. */
export const system = {
  sysDescr: parseOid('1.3.6.1.2.1.1.1'),
  sysObjectID: parseOid('1.3.6.1.2.1.1.2'),
  sysUpTime: parseOid('1.3.6.1.2.1.1.3'),
  sysContact: parseOid('1.3.6.1.2.1.1.4'),
  sysName: parseOid('1.3.6.1.2.1.1.5'),
  sysLocation: parseOid('1.3.6.1.2.1.1.6'),
  sysServices: parseOid('1.3.6.1.2.1.1.7'),
} as const;

/** RFC 3411 section 5: SNMP-FRAMEWORK-MIB's snmpEngine group. */
export const snmpEngine = {
  snmpEngineID: parseOid('1.3.6.1.6.3.10.2.1.1'),
  snmpEngineBoots: parseOid('1.3.6.1.6.3.10.2.1.2'),
  snmpEngineTime: parseOid('1.3.6.1.6.3.10.2.1.3'),
  snmpEngineMaxMessageSize: parseOid('1.3.6.1.6.3.10.2.1.4'),
} as const;

/** RFC 3414 section 5: SNMP-USER-BASED-SM-MIB's usmStats, each the OID of its .0 instance's object. */
export const usmStats = {
  usmStatsUnsupportedSecLevels: parseOid('1.3.6.1.6.3.15.1.1.1'),
  usmStatsNotInTimeWindows: parseOid('1.3.6.1.6.3.15.1.1.2'),
  usmStatsUnknownUserNames: parseOid('1.3.6.1.6.3.15.1.1.3'),
  usmStatsUnknownEngineIDs: parseOid('1.3.6.1.6.3.15.1.1.4'),
  usmStatsWrongDigests: parseOid('1.3.6.1.6.3.15.1.1.5'),
  usmStatsDecryptionErrors: parseOid('1.3.6.1.6.3.15.1.1.6'),
} as const;

export type UsmStatName = keyof typeof usmStats;

export interface SystemInfo {
  descr: string;
  objectId: Oid;
  contact: string;
  name: string;
  location: string;
  /** RFC 3418 sysServices: 72 = application (7) + end-to-end (4), as snmpd says. */
  services: number;
}

export interface EngineInfo {
  id: Buffer;
  boots(): number;
  /** Seconds since the engine's last boot (RFC 3414 section 2.2.1). */
  time(): number;
  maxMessageSize: number;
}

/** A MibView shown as one object under root, so it sorts among the standard objects. */
export function subtree(root: Oid, view: MibView): MibObject {
  return {
    oid: root,
    get: (name) => view.get(name),
    next(start, include): VarBind | undefined {
      const found = view.getNext(start, include);
      return found.value.type === ValueType.endOfMibView ? undefined : found;
    },
  };
}

/**
 * Every object the agent answers for: the system group, snmpEngine, usmStats, and the
 * product's own subtrees. Built once; values are read live.
 */
export function agentView(
  info: SystemInfo,
  engine: EngineInfo,
  uptimeHundredths: () => number,
  stat: (name: UsmStatName) => number,
  product: readonly { root: Oid; view: MibView }[],
): MibView {
  const scalar = (oid: Oid, value: ScalarSpec['value']): MibObject => new ScalarObject({ oid, value });
  return MibView.of([
    scalar(system.sysDescr, () => octetString(info.descr)),
    scalar(system.sysObjectID, () => objectIdentifier(info.objectId)),
    scalar(system.sysUpTime, () => timeTicks(uptimeHundredths())),
    scalar(system.sysContact, () => octetString(info.contact)),
    scalar(system.sysName, () => octetString(info.name)),
    scalar(system.sysLocation, () => octetString(info.location)),
    scalar(system.sysServices, () => integer32(info.services)),
    scalar(snmpEngine.snmpEngineID, () => octetString(engine.id)),
    scalar(snmpEngine.snmpEngineBoots, () => integer32(engine.boots())),
    scalar(snmpEngine.snmpEngineTime, () => integer32(engine.time())),
    scalar(snmpEngine.snmpEngineMaxMessageSize, () => integer32(engine.maxMessageSize)),
    ...(Object.keys(usmStats) as UsmStatName[]).map((name) => scalar(usmStats[name], () => counter32(stat(name)))),
    ...product.map((p) => subtree(p.root, p.view)),
  ]);
}
