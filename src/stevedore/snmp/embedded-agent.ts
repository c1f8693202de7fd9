import { createSocket, type Socket, type SocketType } from 'node:dgram';
import snmp from 'net-snmp';
import type { Time } from '../../common/time.js';
import { VERSION } from '../../common/version.js';
import type { HostPort } from '../config/config.js';
import type { Logger } from '../logging/logger.js';
import type { InstanceView, ServiceView } from '../registry/records.js';
import { isStateChange } from '../registry/events.js';
import type { RegistryEvents, RegistryReader } from '../registry/ports.js';
import { instanceRow, serviceRow, SUMMARY_SCALARS, summaryValues } from './tallyman-view.js';
import { instanceColumns as I, scalars, serviceColumns as S, tallymanInstanceEntry, tallymanServiceEntry } from './tallyman-mib.js';
import { formatOid, type Value } from '../../agentx/index.js';

/** Every instance row is compared at least this often: its age moves with time alone. */
const FULL_SYNC_INTERVAL_MS = 1000;

type Cell = number | Buffer;

/** The parts of net-snmp's agent and MIB store used here (its type definitions leave them untyped). */
interface SnmpMib {
  registerProvider(provider: object): void;
  registerProviders(providers: object[]): void;
  setScalarValue(name: string, value: Cell): void;
  addTableRow(table: string, row: (string | Cell)[]): void;
  setTableSingleCell(table: string, column: number, rowIndex: string[], value: Cell): void;
  deleteTableRow(table: string, rowIndex: string[]): void;
}
interface SnmpAgent {
  getAuthorizer(): { addCommunity(community: string): void };
  getMib(): SnmpMib;
  close(): void;
}
const T = snmp.ObjectType;
const readOnly = snmp.MaxAccess['read-only'];
const notAccessible = snmp.MaxAccess['not-accessible'];
const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');

const SERVICE_TABLE = 'tallymanServiceTable';
const INSTANCE_TABLE = 'tallymanInstanceTable';

/** A value of the AgentX view as net-snmp's store holds it: numbers, and octets as bytes. */
function cell(value: Value | undefined): Cell {
  if (value === undefined || !('value' in value)) return Buffer.alloc(0);
  const v = value.value;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  if (v instanceof Uint8Array) return Buffer.from(v);
  return Buffer.alloc(0);
}

const SERVICE_COLUMNS = Object.values(S);
const INSTANCE_COLUMNS = Object.values(I);
/** The same values the AgentX subagent serves, from the same rows (tallyman-view.ts). */
const serviceCells = (s: ServiceView): Cell[] => {
  const row = serviceRow(s);
  return SERVICE_COLUMNS.map((c) => cell(row.value(c)));
};
const instanceCells = (i: InstanceView, time: Time): Cell[] => {
  const row = instanceRow(i, time);
  return INSTANCE_COLUMNS.map((c) => cell(row.value(c)));
};

const sameCell = (a: Cell, b: Cell): boolean => (typeof a === 'number' ? a === b : typeof b !== 'number' && a.equals(b));

/**
 * A copy of one table held in net-snmp's MIB store, brought up to date with the least work:
 * rows added and deleted by key, cells set only where they changed.
 */
class TableCopy {
  private readonly rows = new Map<string, { index: string[]; cells: Cell[] }>();

  constructor(
    private readonly mib: SnmpMib,
    private readonly table: string,
    private readonly firstColumn: number,
  ) {}

  /** Adds the row, or sets the cells that changed. */
  put(key: string, index: string[], cells: Cell[]): void {
    const held = this.rows.get(key);
    if (!held) {
      this.mib.addTableRow(this.table, [...index, ...cells]);
      this.rows.set(key, { index, cells });
      return;
    }
    cells.forEach((cell, c) => {
      if (!sameCell(cell, held.cells[c] as Cell)) this.mib.setTableSingleCell(this.table, this.firstColumn + c, held.index, cell);
    });
    held.cells = cells;
  }

  remove(key: string): void {
    const held = this.rows.get(key);
    if (!held) return;
    this.mib.deleteTableRow(this.table, held.index);
    this.rows.delete(key);
  }

  /** Makes the copy hold exactly these rows. */
  replaceAll(current: Iterable<{ key: string; index: string[]; cells: Cell[] }>): void {
    const seen = new Set<string>();
    for (const row of current) {
      seen.add(row.key);
      this.put(row.key, row.index, row.cells);
    }
    for (const key of [...this.rows.keys()]) if (!seen.has(key)) this.remove(key);
  }
}

const instanceKey = (service: string, hostname: string): string => `${service}\u0000${hostname}`;

/**
 * `snmp-listen`: an SNMP v1/v2c agent inside stevedore (net-snmp's agent), for hosts without
 * snmpd, serving TALLYMAN-MIB with the same values as the AgentX subagent. net-snmp answers
 * from its own MIB store, so that store is brought up to date from the registry just before
 * each request is handled.
 */
export class EmbeddedAgent {
  private agent: SnmpAgent | undefined;
  private mib: SnmpMib | undefined;
  private services: TableCopy | undefined;
  private instances: TableCopy | undefined;
  private lastFullSync = -Infinity;
  /** Rows that appeared or vanished since the last sync: they force a full one. */
  private rowsChanged = true;
  /** Instances reported or changed in state since the last sync (by the event stream). */
  private readonly changed = new Set<string>();
  private readonly unsubscribe: (() => void)[] = [];
  private readonly sockets: Socket[] = [];

  constructor(
    private readonly registry: RegistryReader & RegistryEvents,
    private readonly time: Time,
    private readonly log: Logger,
  ) {}

  /** Binds the UDP socket; rejects, naming the address, when it cannot. */
  async start(address: HostPort, community: string): Promise<void> {
    this.unsubscribe.push(
      this.registry.subscribe((event) => {
        if (event.kind === 'reported') this.changed.add(instanceKey(event.service, event.hostname));
        else if (!isStateChange(event)) return;
        else if (event.from === null || event.to === null) this.rowsChanged = true;
        else if (event.kind === 'instance') this.changed.add(instanceKey(event.service, event.hostname));
      }),
    );
    const bound: Promise<void>[] = [];
    const dgramModule = {
      createSocket: (type: SocketType): Socket => {
        const socket = createSocket(type);
        // First in line for every datagram: the store is current before net-snmp reads it.
        socket.prependListener('message', () => this.syncSafely());
        bound.push(
          new Promise((resolve, reject) => {
            socket.once('listening', resolve);
            socket.once('error', reject);
          }),
        );
        this.sockets.push(socket);
        return socket;
      },
    };
    const agent: SnmpAgent = snmp.createAgent(
      { port: address.port, address: address.host, transport: address.host.includes(':') ? 'udp6' : 'udp4', dgramModule, accessControlModelType: snmp.AccessControlModelType.None },
      (error: Error | null) => {
        if (error) this.log.debug({ err: error }, `embedded SNMP agent: ${error.message}`);
      },
    );
    this.agent = agent;
    agent.getAuthorizer().addCommunity(community);
    this.mib = agent.getMib();
    this.registerProviders(this.mib);
    this.services = new TableCopy(this.mib, SERVICE_TABLE, S.tallymanServiceState);
    this.instances = new TableCopy(this.mib, INSTANCE_TABLE, I.tallymanInstanceState);
    this.syncSafely();
    try {
      await Promise.all(bound);
    } catch (error) {
      this.close();
      const at = address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
      throw new Error(`cannot serve SNMP on ${at}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }

  close(): void {
    for (const unsubscribe of this.unsubscribe.splice(0)) unsubscribe();
    this.agent?.close();
    this.agent = undefined;
  }

  private syncSafely(): void {
    try {
      this.sync();
    } catch (error) {
      this.log.error({ err: error }, `embedded SNMP agent: cannot refresh its copy of the registry: ${(error as Error).message}`);
    }
  }

  /**
   * Brings net-snmp's store up to date: scalars and service rows (few) every time; instance
   * rows that were reported since the last time; every instance row when rows appeared or
   * vanished, or once a second (tallymanInstanceAge moves with time alone).
   */
  private sync(): void {
    const mib = this.mib!;
    const now = this.time.monotonic();
    const stats = this.registry.stats();
    mib.setScalarValue('tallymanVersion', utf8(VERSION));
    mib.setScalarValue('tallymanUptime', Math.floor((now - stats.startedMonotonic) / 10) % 2 ** 32);
    mib.setScalarValue('tallymanReportsAccepted', stats.reportsAccepted % 2 ** 32);
    mib.setScalarValue('tallymanReportsRejected', stats.reportsRejected % 2 ** 32);
    mib.setScalarValue('tallymanServiceCount', stats.services);
    mib.setScalarValue('tallymanInstanceCount', stats.instances);
    const services = this.registry.services();
    const summary = summaryValues(services);
    for (const name of SUMMARY_SCALARS) mib.setScalarValue(name, cell(summary[name]));
    this.services!.replaceAll(services.map((s) => ({ key: s.name, index: [s.name], cells: serviceCells(s) })));
    if (this.rowsChanged || now - this.lastFullSync >= FULL_SYNC_INTERVAL_MS) {
      this.instances!.replaceAll(
        services.flatMap((s) => [...s.instances.values()].map((i) => ({ key: instanceKey(s.name, i.hostname), index: [s.name, i.hostname], cells: instanceCells(i, this.time) }))),
      );
      this.rowsChanged = false;
      this.lastFullSync = now;
    } else {
      for (const key of this.changed) {
        const [service = '', hostname = ''] = key.split('\u0000');
        const i = this.registry.service(service)?.instances.get(hostname);
        if (i) this.instances!.put(key, [service, hostname], instanceCells(i, this.time));
      }
    }
    this.changed.clear();
  }

  private registerProviders(mib: SnmpMib): void {
    const scalar = (name: keyof typeof scalars, scalarType: number): object =>
      ({ name, type: snmp.MibProviderType.Scalar, oid: formatOid(scalars[name]), scalarType, maxAccess: readOnly });
    mib.registerProviders([
      scalar('tallymanVersion', T.OctetString),
      scalar('tallymanUptime', T.TimeTicks),
      scalar('tallymanReportsAccepted', T.Counter),
      scalar('tallymanReportsRejected', T.Counter),
      scalar('tallymanServiceCount', T.Gauge),
      scalar('tallymanInstanceCount', T.Gauge),
      scalar('tallymanSummaryState', T.Integer),
      scalar('tallymanInstancesOk', T.Gauge),
      scalar('tallymanInstancesFailing', T.Gauge),
      scalar('tallymanInstancesStale', T.Gauge),
    ]);
    const column = (name: string, number: number, type: number, maxAccess = readOnly) => ({ number, name, type, maxAccess });
    mib.registerProvider({
      name: SERVICE_TABLE,
      type: snmp.MibProviderType.Table,
      oid: formatOid(tallymanServiceEntry),
      maxAccess: notAccessible,
      tableColumns: [
        column('tallymanServiceName', 1, T.OctetString, notAccessible),
        column('tallymanServiceState', S.tallymanServiceState, T.Integer),
        column('tallymanServiceInstances', S.tallymanServiceInstances, T.Gauge),
        column('tallymanServiceOk', S.tallymanServiceOk, T.Gauge),
        column('tallymanServiceFailing', S.tallymanServiceFailing, T.Gauge),
        column('tallymanServiceStale', S.tallymanServiceStale, T.Gauge),
        column('tallymanServiceLastReport', S.tallymanServiceLastReport, T.OctetString),
        column('tallymanServiceDescription', S.tallymanServiceDescription, T.OctetString),
        column('tallymanServiceStateSince', S.tallymanServiceStateSince, T.OctetString),
      ],
      tableIndex: [{ columnName: 'tallymanServiceName' }],
    });
    mib.registerProvider({
      name: INSTANCE_TABLE,
      type: snmp.MibProviderType.Table,
      oid: formatOid(tallymanInstanceEntry),
      maxAccess: notAccessible,
      tableColumns: [
        column('tallymanInstanceName', 1, T.OctetString, notAccessible),
        column('tallymanInstanceState', I.tallymanInstanceState, T.Integer),
        column('tallymanInstanceExitCode', I.tallymanInstanceExitCode, T.Integer),
        column('tallymanInstanceStdout', I.tallymanInstanceStdout, T.OctetString),
        column('tallymanInstanceStderr', I.tallymanInstanceStderr, T.OctetString),
        column('tallymanInstanceValue', I.tallymanInstanceValue, T.OctetString),
        column('tallymanInstanceLastReport', I.tallymanInstanceLastReport, T.OctetString),
        column('tallymanInstanceAge', I.tallymanInstanceAge, T.Gauge),
        column('tallymanInstanceReports', I.tallymanInstanceReports, T.Counter),
        column('tallymanInstanceFailures', I.tallymanInstanceFailures, T.Counter),
        column('tallymanInstanceAddress', I.tallymanInstanceAddress, T.OctetString),
        column('tallymanInstanceContainerName', I.tallymanInstanceContainerName, T.OctetString),
        column('tallymanInstanceImage', I.tallymanInstanceImage, T.OctetString),
        column('tallymanInstanceStateSince', I.tallymanInstanceStateSince, T.OctetString),
        column('tallymanInstanceConsecutiveFailures', I.tallymanInstanceConsecutiveFailures, T.Gauge),
        column('tallymanInstanceDurationMs', I.tallymanInstanceDurationMs, T.Gauge),
        column('tallymanInstanceTimedOut', I.tallymanInstanceTimedOut, T.Integer),
        column('tallymanInstanceOutput1Line', I.tallymanInstanceOutput1Line, T.OctetString),
      ],
      tableIndex: [{ columnName: 'tallymanServiceName', foreign: SERVICE_TABLE }, { columnName: 'tallymanInstanceName' }],
    });
  }
}
