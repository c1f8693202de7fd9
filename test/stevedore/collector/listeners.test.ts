import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { closeAll, listenAll } from '../../../src/stevedore/collector/listeners.js';
import { startCollector, type RunningCollector } from '../../harness/collector.js';
import { waitFor } from '../../harness/wait-for.js';

const REPORT = JSON.stringify({ service: 'DB', hostname: 'c1', exitCode: 0 });
const REQUEST = `POST /v1/report HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${REPORT.length}\r\n\r\n${REPORT}`;

interface Client {
  socket: Socket;
  /** Everything the server sent. */
  received: () => string;
  /** Resolves with the milliseconds from connection to the server closing it. */
  closed: Promise<number>;
}

function client(server: Server): Promise<Client> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const start = performance.now();
    let text = '';
    const socket = connect(port, '127.0.0.1');
    const closed = new Promise<number>((done) => socket.on('close', () => done(performance.now() - start)));
    socket.on('data', (chunk) => (text += chunk.toString('latin1')));
    socket.on('error', () => {});
    socket.once('connect', () => resolve({ socket, received: () => text, closed }));
    socket.once('error', reject);
  });
}

/** Writes `piece` every 100 ms until the connection closes. */
function dribble(socket: Socket, piece: string): void {
  const timer = setInterval(() => (socket.destroyed ? clearInterval(timer) : socket.write(piece)), 100);
  socket.on('close', () => clearInterval(timer));
}

describe('slow clients are cut off within a second of their timeout', { timeout: 90_000 }, () => {
  // Small timeouts, so that the test waits little: with Node's default checking (every 30 s)
  // each of these connections would live about 30 s.
  const timeouts = { headersTimeoutMs: 1000, requestTimeoutMs: 2000, keepAliveTimeoutMs: 1000 };
  const GENEROUS_MS = 10_000;
  let c: RunningCollector;
  let servers: Server[];
  before(async () => {
    c = await startCollector();
    servers = await listenAll(c.collector.app, [{ host: '127.0.0.1', port: 0 }], { maxConnections: 100, timeouts }, () => 'listen');
  });
  after(async () => {
    await closeAll(servers);
    await c.close();
  });

  const slowSenders: [string, string, string, number][] = [
    ['headers that never end', 'POST /v1/report HTTP/1.1\r\nHost: x\r\n', 'X-Slow: y\r\n', timeouts.headersTimeoutMs],
    ['a body that never ends', 'POST /v1/report HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{', ' ', timeouts.requestTimeoutMs],
  ];
  for (const [name, start, piece, timeoutMs] of slowSenders) {
    test(`${name}: 408, and the connection closed`, async () => {
      const slow = await client(servers[0]!);
      slow.socket.write(start);
      dribble(slow.socket, piece);
      const lived = await slow.closed;
      assert.match(slow.received(), /^HTTP\/1\.1 408 /);
      assert.ok(lived < GENEROUS_MS, `the connection lived ${Math.round(lived)} ms past a ${timeoutMs} ms timeout`);
    });
  }

  test('a prompt report on the same listener is answered meanwhile', async () => {
    const prompt = await client(servers[0]!);
    prompt.socket.write(REQUEST);
    await waitFor('the answer', () => /^HTTP\/1\.1 204 /.test(prompt.received()));
    prompt.socket.destroy();
  });
});

describe('max-connections', { timeout: 30_000 }, () => {
  let c: RunningCollector;
  let servers: Server[];
  before(async () => {
    c = await startCollector();
    servers = await listenAll(c.collector.app, [{ host: '127.0.0.1', port: 0 }], { maxConnections: 2 }, () => 'listen');
  });
  after(async () => {
    await closeAll(servers);
    await c.close();
  });

  test('a connection over the cap is closed at once; the first ones keep working; it is logged', async () => {
    const first = await client(servers[0]!);
    const second = await client(servers[0]!);
    const third = await client(servers[0]!);
    await third.closed;
    assert.equal(third.received(), '', 'closed without an answer');
    for (const open of [first, second]) {
      open.socket.write(REQUEST);
      await waitFor('the answer', () => /^HTTP\/1\.1 204 /.test(open.received()));
    }
    const warned = c.logs.filter((l) => String(l.msg).includes('max-connections 2 reached'));
    assert.equal(warned.length, 1);
    first.socket.destroy();
    await first.closed;
    await waitFor('the server to see the close', () => new Promise((done) => servers[0]!.getConnections((_e, n) => done(n < 2))));
    const later = await client(servers[0]!);
    later.socket.write(REQUEST);
    await waitFor('the answer', () => /^HTTP\/1\.1 204 /.test(later.received()));
    for (const open of [second, later]) open.socket.destroy();
  });
});
