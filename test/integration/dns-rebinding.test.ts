import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { hostname } from 'node:os';
import { startStevedore, type RunningStevedore } from '../harness/stevedore.js';
import { tempDir, type TempDir } from '../harness/temp-dir.js';
import { waitFor } from '../harness/wait-for.js';

const TOKEN = 'read-secret-9b2e';
const OUTPUT = 'orders table ok, 1204 rows';

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

describe('the read listener against DNS rebinding (a web page reaching it by its own DNS name)', { timeout: 60_000 }, () => {
  let dir: TempDir;
  let s: RunningStevedore;

  /** A GET to the read listener on 127.0.0.1 with the Host header a browser would send. */
  const get = (path: string, host: string, authorization?: string): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string> = { host, ...(authorization !== undefined && { authorization }) };
      const req = request({ host: '127.0.0.1', port: s.readPort, path, headers }, (res) => {
        const chunks: Buffer[] = [];
        // /v1/events never ends by itself: its first bytes are enough.
        const done = (): void => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type']), body: Buffer.concat(chunks).toString() });
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          if (path.startsWith('/v1/events')) {
            done();
            res.destroy();
          }
        });
        res.on('end', done);
      });
      req.on('error', reject);
      req.end();
    });

  before(async () => {
    dir = tempDir('dns-rebinding');
    s = await startStevedore(dir, 'service DB;');
    assert.equal(await s.post({ service: 'DB', hostname: 'db-1', exitCode: 0, stdout: OUTPUT }), 204);
  });
  after(async () => {
    await s?.process.stop();
    dir?.remove();
  });

  test('by default, a request for another name gets 421 on every read route, saying what to do, and no output', async () => {
    for (const path of ['/v1/services', '/v1/services/DB', '/v1/health', '/metrics', '/v1/events', '/', '/no-such-page']) {
      const r = await get(path, `attacker.example:${s.readPort}`);
      assert.equal(r.status, 421, path);
      assert.match(r.contentType, /^application\/json/, path);
      const body = JSON.parse(r.body) as { error: string; code: string };
      assert.equal(body.code, 'READ_HOST_NOT_ALLOWED', path);
      assert.equal(
        body.error,
        `this read listener answers requests for 'attacker.example:${s.readPort}' only with a token: use its address (http://127.0.0.1:${s.readPort}), localhost or this host's name, name it in http-host, or set http-token`,
      );
      assert.doesNotMatch(r.body, /orders table/);
    }
  });

  test('an IP literal, localhost or this host\'s own name, with or without a port, reads', async () => {
    const own = hostname();
    const names = ['127.0.0.1', `127.0.0.1:${s.readPort}`, '10.1.2.3:80', '[::1]', `[::1]:${s.readPort}`, 'localhost', `LocalHost:${s.readPort}`, own, `${own}:${s.readPort}`, own.split('.')[0]!];
    for (const host of names) {
      const r = await get('/v1/services/DB', host);
      assert.equal(r.status, 200, host);
      assert.match(r.body, /orders table ok/, host);
    }
    const events = await get('/v1/events', `localhost:${s.readPort}`);
    assert.equal(events.status, 200);
    assert.match(events.contentType, /^text\/event-stream/);
  });

  test('names that only look local are refused: a subdomain of localhost, a trailing dot, a bare IPv6 address', async () => {
    for (const host of ['localhost.attacker.example', '127.0.0.1.nip.io', 'localhost.', '::1']) {
      assert.equal((await get('/v1/services', host)).status, 421, `Host: '${host}'`);
    }
  });

  test('http-host adds names to read by without a token, from the next reload, in any case', async () => {
    const host = `Metrics.Example.NET:${s.readPort}`;
    assert.equal((await get('/v1/services/DB', host)).status, 421);
    s.rewrite('service DB; http-host metrics.example.net prometheus-target;');
    s.process.child.kill('SIGHUP');
    await waitFor('the reload to add http-host', async () => (await get('/v1/services/DB', host)).status === 200);
    assert.match((await get('/v1/services/DB', host)).body, /orders table ok/);
    assert.equal((await get('/v1/services/DB', 'prometheus-target')).status, 200);
    assert.equal((await get('/v1/services/DB', 'attacker.example')).status, 421, 'other names stay refused');
  });

  test('with http-token set, any name reads with the token (a browser never sends one by itself), none without it', async () => {
    s.rewrite(`service DB; http-token ${TOKEN};`);
    s.process.child.kill('SIGHUP');
    await waitFor('the reload to set http-token', async () => (await get('/v1/services', '127.0.0.1')).status === 401);
    const host = `stevedore.example.net:${s.readPort}`;
    const withToken = await get('/v1/services/DB', host, `Bearer ${TOKEN}`);
    assert.equal(withToken.status, 200);
    assert.match(withToken.body, /orders table ok/);
    const without = await get('/v1/services/DB', host);
    assert.equal(without.status, 401);
    assert.equal((JSON.parse(without.body) as { code: string }).code, 'READ_TOKEN_MISSING');
  });
});
