import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';

export interface SeenPdu {
  from: 'subagent' | 'master';
  /** h.type */
  type: number;
  packetId: number;
  payload: Buffer;
}

/**
 * A TCP relay between a subagent and snmpd's AgentX port that notes every PDU passing either
 * way. It cuts the stream itself (header, payload length at byte 16 in the byte order of flag
 * 0x10), independently of the library's framer.
 */
export class RecordingProxy {
  readonly seen: SeenPdu[] = [];
  address = '';
  private readonly sockets = new Set<Socket>();
  private readonly server = createServer((client) => {
    const upstream = createConnection({ host: this.host, port: this.port });
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => (client.destroy(), upstream.destroy()));
    }
    this.relay(client, upstream, 'subagent');
    this.relay(upstream, client, 'master');
  });

  private constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  /** Relays to the master at tcp:HOST:PORT. */
  static async start(master: string): Promise<RecordingProxy> {
    const m = /^tcp:([^:]+):(\d+)$/.exec(master);
    if (!m) throw new Error(`not a tcp AgentX address: ${master}`);
    const proxy = new RecordingProxy(m[1] as string, Number(m[2]));
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    proxy.address = `tcp:127.0.0.1:${(proxy.server.address() as AddressInfo).port}`;
    return proxy;
  }

  private relay(from: Socket, to: Socket, who: SeenPdu['from']): void {
    let pending = Buffer.alloc(0);
    from.on('data', (chunk: Buffer) => {
      to.write(chunk);
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 20) {
        const be = ((pending[2] as number) & 0x10) !== 0;
        const length = be ? pending.readUInt32BE(16) : pending.readUInt32LE(16);
        if (pending.length < 20 + length) break;
        const packetId = be ? pending.readUInt32BE(12) : pending.readUInt32LE(12);
        this.seen.push({ from: who, type: pending[1] as number, packetId, payload: Buffer.from(pending.subarray(20, 20 + length)) });
        pending = pending.subarray(20 + length);
      }
    });
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
