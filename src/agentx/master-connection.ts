import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { CloseReason, PduType, ResponseError, closeReasonName, responseErrorName } from './codec/constants.js';
import type { VarBind } from './codec/varbind.js';
import { AgentxError } from './errors.js';
import { Keepalive } from './keepalive.js';
import type { Logger } from './logger.js';
import type { Oid } from './mib/oid.js';
import type { Registrations } from './registration.js';
import type { RetryStrategy } from './retry.js';
import { Session } from './session.js';
import { STATE_MESSAGES, type SubagentStatus } from './status.js';
import type { Timers } from './timers.js';
import { formatAgentxAddress, type AgentxAddress, type Connector } from './transport.js';

export interface MasterConnectionOptions {
  address: AgentxAddress;
  connector: Connector;
  retryStrategy: RetryStrategy;
  timers: Timers;
  logger: Logger;
  pingIntervalMs: number;
  requestTimeoutMs: number;
  /** agentx-Open-PDU fields (RFC 2741 section 6.2.1). */
  open: { id: Oid; description: string; timeout: number };
  /** What the master's requests are answered from. */
  registrations: Registrations;
  /** Told when a session opens and when it ends, to replay and reset the registrations. */
  registrar: { opened(): void; ended(): void };
}

/** One connection and what lives and dies with it. */
interface Link {
  epoch: number;
  socket: Socket;
  session: Session;
  keepalive: Keepalive;
}

export interface MasterConnectionEvents {
  status: [status: SubagentStatus, previous: SubagentStatus];
}

/**
 * Owns the connection to the master agent and the session on it: the only part that opens
 * sockets. Keeps a session open across failures: on close, error or an unanswered request
 * (a ping included) it drops the connection, waits as the retry strategy says, connects again
 * and sends Open; the registrar replays the registrations on every new session. `epoch`
 * counts connections; anything that arrives for an older one is ignored.
 */
export class MasterConnection extends EventEmitter<MasterConnectionEvents> {
  status: SubagentStatus = { state: 'idle' };
  epoch = 0;
  private link: Link | undefined;
  private failures = 0;
  private reconnectTimer: unknown;
  private closing: Promise<void> | undefined;
  private readonly name: string;

  constructor(private readonly options: MasterConnectionOptions) {
    super();
    this.name = formatAgentxAddress(options.address);
  }

  start(): void {
    if (this.status.state !== 'idle') return;
    this.connect();
  }

  /** The session, when one is open. */
  openSession(): Session | undefined {
    return this.status.state === 'open' ? this.link?.session : undefined;
  }

  /** The one place the status changes: logs it by name and emits 'status'. */
  private setStatus(next: SubagentStatus): void {
    const previous = this.status;
    this.status = next;
    const repeated = (next.state === 'connecting' && next.attempt > 1) || (next.state === 'reconnecting' && next.attempt > 1);
    const { state, ...details } = next;
    const fields = { agentx: this.name, state, previous: previous.state, epoch: this.epoch, ...details };
    const message = next.state === 'reconnecting' && previous.state === 'connecting' ? this.unreachable(next.reason) : STATE_MESSAGES[state];
    if (repeated) this.options.logger.debug(fields, message);
    else if (state === 'reconnecting') this.options.logger.warn(fields, message);
    else this.options.logger.info(fields, message);
    this.emit('status', next, previous);
  }

  /**
   * No connection to the master at all (its socket missing or refusing): the usual cause is a
   * master agent without AgentX, so the line says what Net-SNMP's snmpd.conf needs. Said at warn
   * once; the attempts after it are logged at debug until a session opens.
   */
  private unreachable(reason: string): string {
    return `cannot reach the AgentX master agent at ${this.name} (${reason}): snmpd needs 'master agentx' and 'agentXSocket ${this.name}' in snmpd.conf; retrying quietly`;
  }

  private connect(): void {
    this.reconnectTimer = undefined;
    const epoch = ++this.epoch;
    this.setStatus({ state: 'connecting', attempt: this.failures + 1 });
    // Data arrives on a later turn of the event loop, when session is set.
    const socket = this.options.connector(this.options.address, (chunk) => session.receive(chunk));
    const session = new Session({
      epoch,
      write: (bytes) => socket.write(bytes),
      registrations: this.options.registrations,
      timers: this.options.timers,
      logger: this.options.logger,
      requestTimeoutMs: this.options.requestTimeoutMs,
      onFatal: (reason) => this.lost(epoch, reason),
    });
    const link: Link = { epoch, socket, session, keepalive: new Keepalive(this.options.timers, this.options.pingIntervalMs) };
    this.link = link;
    socket.on('connect', () => this.connected(link));
    socket.on('error', (error) => this.lost(epoch, error.message));
    socket.on('close', () => this.lost(epoch, 'the master agent closed the connection'));
  }

  private connected(link: Link): void {
    if (this.link !== link) return;
    this.setStatus({ state: 'opening' });
    const { id, description, timeout } = this.options.open;
    link.session.request({ type: PduType.Open, timeout, id, description }).then(
      ({ sessionId, pdu }) => {
        if (this.link !== link || this.status.state !== 'opening') return;
        if (pdu.error !== ResponseError.noAgentXError) {
          this.lost(link.epoch, `the master agent refused agentx-Open-PDU: ${responseErrorName(pdu.error)}`);
          return;
        }
        link.session.sessionId = sessionId;
        this.failures = 0;
        this.setStatus({ state: 'open', sessionId });
        link.keepalive.start(() => this.ping(link));
        this.options.registrar.opened();
      },
      () => {}, // the session has reported the failure through onFatal
    );
  }

  /** A Ping the master answers with an error (notOpen: it has forgotten us) ends the connection too. */
  private async ping(link: Link): Promise<void> {
    const { pdu } = await link.session.request({ type: PduType.Ping });
    if (pdu.error !== ResponseError.noAgentXError) {
      this.lost(link.epoch, `the master agent answered agentx-Ping-PDU with ${responseErrorName(pdu.error)}`);
    }
  }

  /** Sends agentx-Notify-PDU (RFC 2741 section 6.2.10) and waits for the master's answer. */
  async notify(varbinds: readonly VarBind[]): Promise<void> {
    const session = this.openSession();
    if (session === undefined) throw new AgentxError('AGENTX_NOT_OPEN', `no AgentX session is open (${this.status.state}): the notification was not sent`);
    const { pdu } = await session.request({ type: PduType.Notify, varbinds });
    if (pdu.error !== ResponseError.noAgentXError) {
      throw new AgentxError('AGENTX_REFUSED', `the master agent refused the notification: ${responseErrorName(pdu.error)}`, responseErrorName(pdu.error));
    }
  }

  /** The connection of `epoch` is gone (or must go): tear it down and schedule the next attempt. */
  lost(epoch: number, reason: string): void {
    const link = this.link;
    if (link === undefined || link.epoch !== epoch) return;
    this.teardown(link, reason);
    // close() was called: no reconnect.
    if (this.closing !== undefined) return;
    this.failures++;
    const delayMs = this.options.retryStrategy(this.failures);
    if (delayMs === null) {
      this.setStatus({ state: 'closed', reason: `gave up reconnecting after ${this.failures} attempts: ${reason}` });
      return;
    }
    this.setStatus({ state: 'reconnecting', attempt: this.failures, delayMs, reason });
    this.reconnectTimer = this.options.timers.setTimeout(() => this.connect(), delayMs);
  }

  private teardown(link: Link, reason: string): void {
    this.link = undefined;
    link.keepalive.stop();
    link.session.end(reason);
    link.socket.destroy();
    this.options.registrar.ended();
  }

  /**
   * Ends for good: sends agentx-Close-PDU with the reason (RFC 2741 section 6.2.2) when a
   * session is open, waits for the answer (bounded by the request timeout), disconnects and
   * stops reconnecting.
   */
  close(reason: CloseReason = CloseReason.reasonShutdown): Promise<void> {
    this.closing ??= this.closeNow(reason);
    return this.closing;
  }

  private async closeNow(reason: CloseReason): Promise<void> {
    if (this.reconnectTimer !== undefined) this.options.timers.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    const link = this.link;
    if (link !== undefined && this.status.state === 'open') {
      this.setStatus({ state: 'closing' });
      link.keepalive.stop();
      try {
        await link.session.request({ type: PduType.Close, reason });
      } catch {
        // no answer or connection gone: closing regardless
      }
    }
    if (this.link !== undefined) this.teardown(this.link, 'closed by the subagent');
    this.setStatus({ state: 'closed', reason: closeReasonName(reason) });
  }
}
