import { EventEmitter } from 'node:events';
import { PduType, ResponseError, responseErrorName } from './codec/constants.js';
import type { ResponsePdu } from './codec/pdu.js';
import { AgentxError } from './errors.js';
import type { Logger } from './logger.js';
import { formatOid } from './mib/oid.js';
import type { Registration, Registrations } from './registration.js';
import type { Session } from './session.js';
import type { Timers } from './timers.js';

export interface RegistrarOptions {
  /** The master's address, as log lines name it. */
  name: string;
  registrations: Registrations;
  timers: Timers;
  logger: Logger;
  /** Delay before registering again after duplicateRegistration. */
  registrationRetryMs: number;
  connection: {
    /** The session, when one is open. */
    openSession(): Session | undefined;
    /** Ends the connection of `epoch` (the master answered notOpen: it has forgotten the session). */
    lost(epoch: number, reason: string): void;
  };
}

export interface RegistrarEvents {
  registration: [registration: Registration];
}

/**
 * Keeps every registration true on the session that is open: registers each subtree when a
 * session opens (the desired state replayed on every new connection), registers again after
 * duplicateRegistration until the master has reaped the older session holding it, and
 * unregisters. Each registration's state says where it stands; every change is emitted.
 */
export class Registrar extends EventEmitter<RegistrarEvents> {
  /** Retries scheduled on the open session, cleared when it ends. */
  private readonly retries = new Set<unknown>();

  constructor(private readonly options: RegistrarOptions) {
    super();
  }

  /** A session has opened: every registration is sent on it. */
  opened(): void {
    for (const registration of this.options.registrations.list) this.register(registration);
  }

  /** The session has ended: nothing is registered any more, and retries are cancelled. */
  ended(): void {
    for (const timer of this.retries) this.options.timers.clearTimeout(timer);
    this.retries.clear();
    for (const registration of this.options.registrations.list) {
      if (registration.state !== 'pending') this.setState(registration, 'pending', undefined);
    }
  }

  /** Sends agentx-Register-PDU (RFC 2741 section 6.2.3) for one registration, if a session is open. */
  register(registration: Registration): void {
    const session = this.options.connection.openSession();
    if (session === undefined) return;
    // A retry keeps its error until it is answered, so a repeated refusal is not logged again.
    this.setState(registration, 'registering', registration.state === 'retrying' ? registration.error : undefined);
    const { subtree, priority, timeout } = registration;
    session.request({ type: PduType.Register, timeout, priority, rangeSubid: 0, subtree }).then(
      ({ pdu }) => this.registered(session, registration, pdu),
      () => {}, // the session has reported the failure to its connection
    );
  }

  private registered(session: Session, registration: Registration, pdu: ResponsePdu): void {
    if (this.options.connection.openSession() !== session) return;
    const { subtree, priority } = registration;
    if (!this.options.registrations.list.includes(registration)) {
      // Unregistered while the Register was on its way: take the subtree back.
      if (pdu.error === ResponseError.noAgentXError) session.request({ type: PduType.Unregister, priority, rangeSubid: 0, subtree }).catch(() => {});
      return;
    }
    if (pdu.error === ResponseError.notOpen) {
      this.options.connection.lost(session.epoch, 'the master agent answered agentx-Register-PDU with notOpen');
      return;
    }
    const fields = { agentx: this.options.name, epoch: session.epoch, subtree: formatOid(subtree), priority };
    if (pdu.error === ResponseError.noAgentXError) {
      this.options.logger.info(fields, 'AgentX subtree registered');
      this.setState(registration, 'registered', undefined);
      return;
    }
    const error = responseErrorName(pdu.error);
    if (pdu.error === ResponseError.duplicateRegistration) {
      // Another session holds the subtree: usually ours from before a restart, which snmpd has
      // not reaped yet. Ask again until it has.
      const retryInMs = this.options.registrationRetryMs;
      if (registration.error !== error) this.options.logger.warn({ ...fields, error, retryInMs }, 'AgentX subtree still held by another session; registering again shortly');
      this.setState(registration, 'retrying', error);
      const timer = this.options.timers.setTimeout(() => {
        this.retries.delete(timer);
        if (this.options.connection.openSession() === session && registration.state === 'retrying') this.register(registration);
      }, retryInMs);
      this.retries.add(timer);
      return;
    }
    this.options.logger.error({ ...fields, error }, 'the master agent refused to register the subtree');
    this.setState(registration, 'failed', error);
  }

  /** Sends agentx-Unregister-PDU (RFC 2741 section 6.2.4) if the subtree is registered now. */
  async unregister(registration: Registration): Promise<void> {
    const session = this.options.connection.openSession();
    const wasRegistered = registration.state === 'registered';
    registration.state = 'pending';
    if (session === undefined || !wasRegistered) return;
    const { subtree, priority } = registration;
    const { pdu } = await session.request({ type: PduType.Unregister, priority, rangeSubid: 0, subtree });
    if (pdu.error !== ResponseError.noAgentXError) {
      throw new AgentxError('AGENTX_REFUSED', `the master agent refused to unregister ${formatOid(subtree)}: ${responseErrorName(pdu.error)}`, responseErrorName(pdu.error));
    }
  }

  private setState(registration: Registration, state: Registration['state'], error: string | undefined): void {
    registration.state = state;
    registration.error = error;
    this.emit('registration', registration);
  }
}
