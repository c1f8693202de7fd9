import { EventEmitter } from 'node:events';
import { CloseReason } from './codec/constants.js';
import type { VarBind } from './codec/varbind.js';
import { AgentxError } from './errors.js';
import { silentLogger, type Logger } from './logger.js';
import { formatOid, toOid, type Oid } from './mib/oid.js';
import { objectIdentifier, timeTicks } from './mib/smi.js';
import { Registration, Registrations, type RegistrationOptions, type RegistrationState } from './registration.js';
import { defaultRetryStrategy, type RetryStrategy } from './retry.js';
import type { SubagentStatus } from './status.js';
import { MasterConnection, type MasterConnectionEvents } from './master-connection.js';
import { Registrar, type RegistrarEvents } from './registrar.js';
import { systemTimers, type Timers } from './timers.js';
import { DEFAULT_AGENTX_ADDRESS, formatAgentxAddress, netConnector, parseAgentxAddress, type AgentxAddress, type Connector } from './transport.js';

/** sysUpTime.0 and snmpTrapOID.0 (RFC 3418), which open a notification's VarBindList. */
export const SYS_UP_TIME_0: Oid = [1, 3, 6, 1, 2, 1, 1, 3, 0];
export const SNMP_TRAP_OID_0: Oid = [1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0];

export interface SubagentOptions {
  /** snmpd's agentXSocket: 'unix:/var/agentx/master' (the default), '/path', 'tcp:HOST:PORT'. */
  address?: string | AgentxAddress;
  /** o.id of agentx-Open-PDU: what this subagent is (e.g. its product's sysObjectID). Default empty. */
  id?: Oid | string;
  /** o.descr of agentx-Open-PDU: a line naming this subagent in snmpd's logs. */
  description?: string;
  /** o.timeout in seconds (0: the master's default). snmpd 5.9 ignores it; see its agentXTimeout. */
  timeout?: number;
  /** How often to ping the master to notice one that hangs. Default 15 s. */
  pingIntervalMs?: number;
  /** How long the master may take to answer one of our requests before the connection is dropped. Default 5 s. */
  requestTimeoutMs?: number;
  /** Delay before registering a subtree again after duplicateRegistration. Default 1 s. */
  registrationRetryMs?: number;
  /** Reconnect delays (default: 100 ms doubling to 1 s, forever). */
  retryStrategy?: RetryStrategy;
  /** pino-shaped; default silent. */
  logger?: Logger;
  /** Clock and timers (tests pass fakes). */
  timers?: Timers;
  /** How to open the stream (tests pass their own). Default: node:net. */
  connector?: Connector;
}

export interface NotifyOptions {
  /** sysUpTime.0 in hundredths of a second; when given it goes first (RFC 2741 section 6.2.10). */
  sysUpTime?: number;
}

/** Plain data for a health endpoint. */
export interface SubagentHealth {
  address: string;
  status: SubagentStatus;
  /** Connections made so far; bumps on every reconnect. */
  epoch: number;
  registrations: { subtree: string; priority: number; state: RegistrationState; error?: string }[];
}

/**
 * An AgentX subagent (RFC 2741) serving MibViews under registered subtrees through a master
 * agent such as snmpd, reconnecting whenever the master goes away.
 *
 *     const agent = new Subagent({ address: 'unix:/var/agentx/master', description: 'my daemon' });
 *     const table = agent.register({ subtree: '1.3.6.1.4.1.99999', view });
 *     agent.start();
 *     table.setView(nextView);              // rows appeared or vanished
 *     await agent.notify('1.3.6.1.4.1.99999.0.1', [...]);
 *     await agent.close();                  // agentx-Close-PDU, reasonShutdown
 */
export type SubagentEvents = MasterConnectionEvents & RegistrarEvents;

export class Subagent extends EventEmitter<SubagentEvents> {
  readonly address: AgentxAddress;
  private readonly registrations = new Registrations();
  private readonly connection: MasterConnection;
  private readonly registrar: Registrar;

  constructor(options: SubagentOptions = {}) {
    super();
    const address = options.address ?? DEFAULT_AGENTX_ADDRESS;
    this.address = typeof address === 'string' ? parseAgentxAddress(address) : address;
    const positive = (name: string, value: number | undefined, fallback: number): number => {
      const v = value ?? fallback;
      if (!Number.isFinite(v) || v <= 0) throw new AgentxError('AGENTX_CONFIG', `${name} must be a positive number of milliseconds, got ${v}`);
      return v;
    };
    const timeout = options.timeout ?? 0;
    if (!Number.isInteger(timeout) || timeout < 0 || timeout > 255) throw new AgentxError('AGENTX_CONFIG', `timeout ${timeout} is not 0..255 seconds`);
    const timers = options.timers ?? systemTimers;
    const logger = options.logger ?? silentLogger;
    this.connection = new MasterConnection({
      address: this.address,
      connector: options.connector ?? netConnector,
      retryStrategy: options.retryStrategy ?? defaultRetryStrategy,
      timers,
      logger,
      pingIntervalMs: positive('pingIntervalMs', options.pingIntervalMs, 15_000),
      requestTimeoutMs: positive('requestTimeoutMs', options.requestTimeoutMs, 5_000),
      open: { id: options.id === undefined ? [] : toOid(options.id), description: options.description ?? 'AgentX subagent', timeout },
      registrations: this.registrations,
      registrar: { opened: () => this.registrar.opened(), ended: () => this.registrar.ended() },
    });
    this.registrar = new Registrar({
      name: formatAgentxAddress(this.address),
      registrations: this.registrations,
      timers,
      logger,
      registrationRetryMs: positive('registrationRetryMs', options.registrationRetryMs, 1_000),
      connection: this.connection,
    });
    this.connection.on('status', (status, previous) => this.emit('status', status, previous));
    this.registrar.on('registration', (registration) => this.emit('registration', registration));
  }

  /** Connects (and keeps reconnecting) in the background; watch 'status' or status. */
  start(): this {
    this.connection.start();
    return this;
  }

  get status(): SubagentStatus {
    return this.connection.status;
  }

  /** Serves view under subtree from now on, on this session and every later one. */
  register(options: RegistrationOptions): Registration {
    const registration = new Registration(options);
    this.registrations.add(registration);
    this.registrar.register(registration);
    return registration;
  }

  /** Stops serving the subtree: agentx-Unregister-PDU if it is registered now, and not on later sessions. */
  async unregister(registration: Registration): Promise<void> {
    if (!this.registrations.remove(registration)) return;
    await this.registrar.unregister(registration);
  }

  /**
   * Sends a notification through the master agent, which forwards it to its trap sinks:
   * [sysUpTime.0,] snmpTrapOID.0 = trapOid, then varbinds (RFC 2741 section 6.2.10). Resolves
   * when the master has accepted it; rejects with AGENTX_NOT_OPEN when no session is open (it
   * is not queued), AGENTX_REFUSED or AGENTX_TIMEOUT.
   */
  notify(trapOid: Oid | string, varbinds: readonly VarBind[] = [], options: NotifyOptions = {}): Promise<void> {
    const head: VarBind[] = [];
    if (options.sysUpTime !== undefined) head.push({ name: SYS_UP_TIME_0, value: timeTicks(options.sysUpTime) });
    head.push({ name: SNMP_TRAP_OID_0, value: objectIdentifier(trapOid) });
    return this.connection.notify([...head, ...varbinds]);
  }

  /** agentx-Close-PDU (reasonShutdown unless told otherwise), then disconnects for good. */
  close(reason: CloseReason = CloseReason.reasonShutdown): Promise<void> {
    return this.connection.close(reason);
  }

  health(): SubagentHealth {
    return {
      address: formatAgentxAddress(this.address),
      status: this.connection.status,
      epoch: this.connection.epoch,
      registrations: this.registrations.list.map((r) => ({
        subtree: formatOid(r.subtree),
        priority: r.priority,
        state: r.state,
        ...(r.error !== undefined && { error: r.error }),
      })),
    };
  }
}
