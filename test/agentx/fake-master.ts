import { createServer, type Socket } from 'node:net';
import { Framer, PduType, decodeMessage, encodeMessage, type DecodedMessage, type Pdu, type VarBind } from '../../src/agentx/index.js';
import { waitFor } from '../harness/wait-for.js';

/**
 * A stand-in for snmpd's AgentX master side, for unit tests of the session: it records every PDU
 * the subagent sends and answers as the test says. It uses the library's codec, which the codec
 * tests check against bytes written by hand.
 */
export class FakeMaster {
  readonly connections: MasterConnection[] = [];
  /** Where it listens, written as snmpd.conf's agentXSocket: unix:PATH or tcp:HOST:PORT. */
  address = '';
  private readonly server = createServer((socket) => this.connections.push(new MasterConnection(socket)));

  static async listen(where: { path: string } | { host: string }): Promise<FakeMaster> {
    const master = new FakeMaster();
    await new Promise<void>((resolve, reject) => {
      master.server.once('error', reject);
      if ('path' in where) master.server.listen(where.path, resolve);
      else master.server.listen(0, where.host, resolve);
    });
    const bound = master.server.address();
    master.address = typeof bound === 'string' ? `unix:${bound}` : `tcp:${bound?.address}:${bound?.port}`;
    return master;
  }

  /** The n-th connection (0-based), once the subagent has made it. */
  connection(n: number): Promise<MasterConnection> {
    return waitFor(`connection ${n} to the fake master`, () => this.connections[n], 5000, 2);
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export class MasterConnection {
  readonly received: DecodedMessage[] = [];
  private readonly framer = new Framer((frame) => this.received.push(decodeMessage(frame)));
  private taken = 0;
  closed = false;

  constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.framer.push(chunk));
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => {});
  }

  /** The next PDU the subagent sends, in order. */
  async next(): Promise<DecodedMessage> {
    const message = await waitFor('a PDU from the subagent', () => this.received[this.taken], 5000, 2);
    this.taken++;
    return message;
  }

  /** The next PDU, which must be of this type. */
  async expect(type: number): Promise<DecodedMessage> {
    const message = await this.next();
    if (message.pdu.type !== type) throw new Error(`expected PDU type ${type}, got ${message.pdu.type}`);
    return message;
  }

  /** The bytes of a Response to request (sessionId defaults to the request's). */
  response(request: DecodedMessage, options: { error?: number; index?: number; sessionId?: number; varbinds?: VarBind[] } = {}): Buffer {
    return encodeMessage({
      sessionId: options.sessionId ?? request.header.sessionId,
      transactionId: request.header.transactionId,
      packetId: request.header.packetId,
      pdu: { type: PduType.Response, sysUpTime: 100, error: options.error ?? 0, index: options.index ?? 0, varbinds: options.varbinds ?? [] },
    });
  }

  reply(request: DecodedMessage, options: Parameters<MasterConnection['response']>[1] = {}): void {
    this.socket.write(this.response(request, options));
  }

  /** Sends a request as the master would, with its IDs. */
  send(pdu: Pdu, ids: { sessionId: number; transactionId?: number; packetId: number }, context?: string): void {
    this.socket.write(this.encode(pdu, ids, context));
  }

  encode(pdu: Pdu, ids: { sessionId: number; transactionId?: number; packetId: number }, context?: string): Buffer {
    return encodeMessage({ sessionId: ids.sessionId, transactionId: ids.transactionId ?? 1, packetId: ids.packetId, pdu, ...(context !== undefined && { context }) });
  }

  /** Answers Open with session `sessionId` and every Register that follows with success. */
  async accept(sessionId: number, registrations: number): Promise<void> {
    const open = await this.expect(PduType.Open);
    this.reply(open, { sessionId });
    for (let i = 0; i < registrations; i++) this.reply(await this.expect(PduType.Register));
  }
}
