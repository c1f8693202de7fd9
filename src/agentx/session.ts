import { PduType, ResponseError, closeReasonName, pduTypeName, responseErrorName } from './codec/constants.js';
import { PduParseError, decodeMessage, type DecodedMessage } from './codec/decode.js';
import { encodeMessage } from './codec/encode.js';
import { Framer } from './codec/framer.js';
import type { ClosePdu, Pdu, ResponsePdu } from './codec/pdu.js';
import { answer, type HandlerFailure } from './dispatch.js';
import { AgentxError } from './errors.js';
import type { Logger } from './logger.js';
import type { Registrations } from './registration.js';
import type { Timers } from './timers.js';

export interface SessionOptions {
  /** Which connection this is; log lines carry it, and the connection ignores stale ones. */
  epoch: number;
  /** Hands bytes to the connection. */
  write(bytes: Buffer): void;
  registrations: Registrations;
  timers: Timers;
  logger: Logger;
  /** How long the master may take to answer one of our requests. */
  requestTimeoutMs: number;
  /** The connection cannot go on (unparseable stream, unanswered request, Close from the master). */
  onFatal(reason: string): void;
}

export interface Answered {
  /** h.sessionID of the response (for agentx-Open-PDU: the new session's ID). */
  sessionId: number;
  pdu: ResponsePdu;
}

interface Pending {
  what: string;
  timer: unknown;
  resolve(answer: Answered): void;
  reject(error: Error): void;
}

/**
 * The AgentX protocol over one connection: frames the stream, matches Responses to our
 * requests by h.packetID, and answers the master's requests from the registrations.
 * Does no I/O of its own (bytes in through receive, out through write) and holds no state
 * beyond this connection: the master connection makes a new Session for every connection.
 */
export class Session {
  /** h.sessionID the master assigned in its answer to agentx-Open-PDU; 0 before. */
  sessionId = 0;
  private nextPacketId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly framer: Framer;
  private ended = false;

  constructor(private readonly options: SessionOptions) {
    this.framer = new Framer((frame) => this.onFrame(frame));
  }

  get alive(): boolean {
    return !this.ended;
  }

  get epoch(): number {
    return this.options.epoch;
  }

  /** Bytes from the connection, in any chunking. */
  receive(chunk: Buffer): void {
    if (this.ended) return;
    try {
      this.framer.push(chunk);
    } catch (error) {
      this.fatal(`unparseable stream from the master agent: ${(error as Error).message}`);
    }
  }

  /**
   * Sends a PDU and resolves with the master's Response to it (whatever its res.error).
   * Rejects with AGENTX_TIMEOUT after requestTimeoutMs, which also ends the connection (a
   * master that does not answer is gone), or AGENTX_CONNECTION_LOST when the connection ends.
   */
  request(pdu: Pdu, flags = 0): Promise<Answered> {
    if (this.ended) return Promise.reject(new AgentxError('AGENTX_CONNECTION_LOST', `cannot send ${pduTypeName(pdu.type)}: the connection has ended`));
    const packetId = this.nextPacketId;
    this.nextPacketId = packetId === 0xffffffff ? 1 : packetId + 1;
    const bytes = encodeMessage({ sessionId: this.sessionId, transactionId: 0, packetId, flags, pdu });
    const what = pduTypeName(pdu.type);
    return new Promise<Answered>((resolve, reject) => {
      const timer = this.options.timers.setTimeout(() => {
        this.pending.delete(packetId);
        const ms = this.options.requestTimeoutMs;
        reject(new AgentxError('AGENTX_TIMEOUT', `the master agent did not answer ${what} within ${ms} ms`));
        this.fatal(`no answer to ${what} within ${ms} ms`);
      }, this.options.requestTimeoutMs);
      this.pending.set(packetId, { what, timer, resolve, reject });
      this.options.write(bytes);
    });
  }

  /** Ends this session's part: pending requests are rejected, nothing more is sent or answered. */
  end(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.framer.reset();
    for (const p of this.pending.values()) {
      this.options.timers.clearTimeout(p.timer);
      p.reject(new AgentxError('AGENTX_CONNECTION_LOST', `the connection to the master agent ended (${reason}) before it answered ${p.what}`));
    }
    this.pending.clear();
  }

  private fatal(reason: string): void {
    if (this.ended) return;
    this.end(reason);
    this.options.onFatal(reason);
  }

  private onFrame(frame: Buffer): void {
    if (this.ended) return;
    let message: DecodedMessage;
    try {
      message = decodeMessage(frame);
    } catch (error) {
      this.onParseError(error);
      return;
    }
    if (message.pdu.type === PduType.Response) this.onResponse(message, message.pdu);
    else if (message.pdu.type === PduType.Close) this.onClose(message.pdu);
    else this.onRequest(message);
  }

  /**
   * RFC 2741 section 7.2.2: a PDU whose header was readable but whose content was not (an
   * unknown h.type, a truncated payload) is answered with parseError, so the master's request
   * does not hang; a broken Response is ours to drop.
   */
  private onParseError(error: unknown): void {
    const message = (error as Error).message;
    if (!(error instanceof PduParseError)) {
      this.fatal(`unparseable PDU header: ${message}`);
      return;
    }
    const { header } = error;
    this.options.logger.warn({ epoch: this.epoch, pdu: pduTypeName(header.type), packetId: header.packetId, error: message }, 'AgentX PDU from the master agent could not be parsed');
    if (header.type === PduType.Response || header.type === PduType.CleanupSet) return;
    const pdu: ResponsePdu = { type: PduType.Response, sysUpTime: 0, error: ResponseError.parseError, index: 0, varbinds: [] };
    this.send(header.sessionId, header.transactionId, header.packetId, pdu);
  }

  private onResponse(message: DecodedMessage, pdu: ResponsePdu): void {
    const pending = this.pending.get(message.header.packetId);
    if (pending === undefined) {
      // A Response that answers nothing outstanding (one that came after its timeout) is dropped.
      this.options.logger.debug({ epoch: this.epoch, packetId: message.header.packetId, error: responseErrorName(pdu.error) }, 'AgentX response to no outstanding request dropped');
      return;
    }
    this.pending.delete(message.header.packetId);
    this.options.timers.clearTimeout(pending.timer);
    pending.resolve({ sessionId: message.header.sessionId, pdu });
  }

  /** agentx-Close-PDU from the master (RFC 2741 section 6.2.2): our session and its registrations are gone. */
  private onClose(pdu: ClosePdu): void {
    this.fatal(`the master agent closed the session (${closeReasonName(pdu.reason)})`);
  }

  private onRequest(message: DecodedMessage): void {
    const { header } = message;
    const result = answer(message, this.options.registrations, (failure) => this.onHandlerFailure(failure));
    if (result !== undefined) this.send(header.sessionId, header.transactionId, header.packetId, result);
  }

  private onHandlerFailure(failure: HandlerFailure): void {
    const error = failure.error instanceof Error ? failure.error.message : String(failure.error);
    this.options.logger.error({ epoch: this.epoch, pdu: failure.pdu, oid: failure.oid, error }, 'AgentX request answered genErr: a value could not be produced');
  }

  /** Sends a Response echoing the request's IDs (section 6.2.16). */
  private send(sessionId: number, transactionId: number, packetId: number, pdu: ResponsePdu): void {
    let bytes: Buffer;
    try {
      bytes = encodeMessage({ sessionId, transactionId, packetId, pdu });
    } catch (error) {
      this.onHandlerFailure({ pdu: pduTypeName(PduType.Response), oid: '', error });
      bytes = encodeMessage({ sessionId, transactionId, packetId, pdu: { ...pdu, error: ResponseError.genErr, index: 0, varbinds: [] } });
    }
    this.options.write(bytes);
  }
}
