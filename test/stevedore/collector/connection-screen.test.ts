import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { startStevedore, type RunningStevedore } from '../../harness/stevedore.js';
import { tempDir, type TempDir } from '../../harness/temp-dir.js';
import { waitFor } from '../../harness/wait-for.js';

/** Another loopback address: outside the allow lists below, which admit 127.0.0.1 only. */
const OUTSIDE = '127.0.0.2';
const MAX_CONNECTIONS = 4;
const IDLERS = 5 * MAX_CONNECTIONS;

interface Idler {
  socket: Socket;
  /** What the server sent. */
  received: () => string;
  /** Resolves once the connection is closed, from either side. */
  closed: Promise<void>;
}

/** A connection from `from` that sends nothing and keeps its end open. */
function idle(port: number, from: string): Idler {
  let text = '';
  const socket = connect({ host: '127.0.0.1', port, localAddress: from });
  socket.on('data', (chunk) => (text += chunk.toString('latin1')));
  socket.on('error', () => {});
  const closed = new Promise<void>((done) => socket.on('close', () => done()));
  return { socket, received: () => text, closed };
}

/** Resolves once each connection is either open or closed again: all of them have been through accept. */
async function settled(idlers: readonly Idler[]): Promise<void> {
  await Promise.all(idlers.map((i) => Promise.race([i.closed, new Promise<void>((done) => i.socket.once('connect', () => done()))])));
}

/** One request on a connection of its own (no pooled connection that is already in), from 127.0.0.1. */
function ask(port: number, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers = body === undefined ? {} : { 'content-type': 'application/json' };
    const req = request({ host: '127.0.0.1', port, path, method, agent: false, localAddress: '127.0.0.1', headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

describe(`hosts outside the allow lists hold no connection slot (max-connections ${MAX_CONNECTIONS})`, { timeout: 60_000 }, () => {
  let dir: TempDir;
  let s: RunningStevedore;
  before(async () => {
    dir = tempDir('connection-screen');
    s = await startStevedore(dir, `service DB; allow 127.0.0.1/32; http-allow 127.0.0.1/32; max-connections ${MAX_CONNECTIONS};`);
  });
  after(async () => {
    await s.process.stop();
    dir.remove();
  });

  const refusedLines = (code: string): Record<string, unknown>[] => s.logLines().filter((l) => l.code === code && String(l.msg).startsWith('refused a connection from'));

  test('read listener: idle connections from outside http-allow are reset unanswered, and an allowed reader still gets /v1/health', async () => {
    const idlers = Array.from({ length: IDLERS }, () => idle(s.readPort, OUTSIDE));
    await settled(idlers);
    const health = await ask(s.readPort, 'GET', '/v1/health');
    assert.equal(health.status, 200);
    await Promise.all(idlers.map((i) => i.closed));
    assert.deepEqual(idlers.map((i) => i.received()).filter((text) => text !== ''), [], 'no HTTP answer to a screened connection');
    const lines = await waitFor('the refusal in the log', () => (refusedLines('READ_NOT_ALLOWED').length > 0 ? refusedLines('READ_NOT_ALLOWED') : null));
    assert.equal(lines.length, 1, 'logged once a minute');
    assert.equal(lines[0]?.source, OUTSIDE);
    assert.match(String(lines[0]?.msg), /127\.0\.0\.2 may not read \(see http-allow in the configuration\)/);
  });

  test('report listener: idle connections from outside allow are reset unanswered, each counted as a refused report, and an allowed container still reports', async () => {
    const idlers = Array.from({ length: IDLERS }, () => idle(s.port, OUTSIDE));
    await settled(idlers);
    assert.equal((await ask(s.port, 'POST', '/v1/report', { service: 'DB', hostname: 'c1', exitCode: 0 })).status, 204);
    await Promise.all(idlers.map((i) => i.closed));
    assert.deepEqual(idlers.map((i) => i.received()).filter((text) => text !== ''), [], 'no HTTP answer to a screened connection');
    const health = JSON.parse((await ask(s.readPort, 'GET', '/v1/health')).body) as { reportsAccepted: number; reportsRejected: number };
    assert.deepEqual([health.reportsAccepted, health.reportsRejected], [1, IDLERS]);
    const metrics = (await ask(s.readPort, 'GET', '/metrics')).body;
    assert.match(metrics, new RegExp(`^tallyman_reports_total\\{service="",result="SOURCE_NOT_ALLOWED"\\} ${IDLERS}$`, 'm'));
    const lines = await waitFor('the refusal in the log', () => (refusedLines('SOURCE_NOT_ALLOWED').length > 0 ? refusedLines('SOURCE_NOT_ALLOWED') : null));
    assert.equal(lines.length, 1, 'logged once a minute');
    assert.match(String(lines[0]?.msg), /127\.0\.0\.2 may not send reports \(see allow\/deny in the configuration\)/);
  });

  test('only allowed peers count against max-connections: no connection was closed for reaching it', () => {
    assert.deepEqual(s.logLines().filter((l) => String(l.msg).includes('max-connections')), []);
  });

  test('a reload that admits the outside address lets its connections in', async () => {
    s.rewrite(`service DB; allow 127.0.0.1/32; http-allow 127.0.0.1/32 ${OUTSIDE}/32; max-connections ${MAX_CONNECTIONS};`);
    process.kill(s.process.pid, 'SIGHUP');
    await waitFor('the reload', () => s.logLines().some((l) => String(l.msg).startsWith('configuration reloaded')));
    const reader = idle(s.readPort, OUTSIDE);
    reader.socket.write('GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    await reader.closed;
    assert.match(reader.received(), /^HTTP\/1\.1 200 /);
  });

  test('a connection kept open across a reload that drops its address gets 403 on its next request; a new one is reset', async () => {
    const kept = idle(s.readPort, '127.0.0.1');
    const health = 'GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';
    kept.socket.write(health);
    await waitFor('the first answer', () => /^HTTP\/1\.1 200 /.test(kept.received()));
    const reloads = s.logLines().filter((l) => String(l.msg).startsWith('configuration reloaded')).length;
    s.rewrite(`service DB; allow 127.0.0.1/32; http-allow ${OUTSIDE}/32; max-connections ${MAX_CONNECTIONS};`);
    process.kill(s.process.pid, 'SIGHUP');
    await waitFor('the reload', () => s.logLines().filter((l) => String(l.msg).startsWith('configuration reloaded')).length > reloads);
    kept.socket.write(health);
    await waitFor('the second answer', () => /HTTP\/1\.1 403 [^]*READ_NOT_ALLOWED/.test(kept.received()));
    kept.socket.destroy();
    await assert.rejects(ask(s.readPort, 'GET', '/v1/health'), { code: 'ECONNRESET' });
  });
});
