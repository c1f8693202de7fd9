import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { cidr, LOOPBACK_READS, startCollector, type RunningCollector } from '../../harness/collector.js';

const TOKEN = 'read-secret-4f1c';

describe('reads are on their own listener', { timeout: 30_000 }, () => {
  let c: RunningCollector;
  before(async () => {
    c = await startCollector({ readListeners: [{ host: '127.0.0.1', port: 8991 }, { host: '::1', port: 8991 }] });
    assert.equal(await c.post({ service: 'DB', hostname: 'c1', exitCode: 0, stdout: 'alive' }).then((r) => r.status), 204);
  });
  after(() => c.close());

  test('a GET on the report listener is 404, naming the read listener', async () => {
    for (const path of ['/v1/services', '/v1/services/DB', '/v1/health', '/metrics', '/']) {
      const res = await fetch(`${c.url}${path}`);
      const body = (await res.json()) as { error: string; code: string };
      assert.equal(res.status, 404, path);
      assert.equal(body.code, 'NO_ROUTE');
      assert.match(body.error, /takes POST \/v1\/report only; reads are on the read listener \(http-listen\): http:\/\/127\.0\.0\.1:8991, http:\/\/\[::1\]:8991/);
      assert.doesNotMatch(JSON.stringify(body), /alive/);
    }
  });

  test('the JSON API answers on the read listener, unchanged', async () => {
    const r = await c.get('/v1/services/DB');
    assert.equal(r.status, 200);
    assert.deepEqual((r.body as { instances: { hostname: string; stdout: string }[] }).instances.map((i) => [i.hostname, i.stdout]), [['c1', 'alive']]);
  });
});

describe('with the read listener on every address, or off', { timeout: 30_000 }, () => {
  const errorAt = async (url: string): Promise<string> => ((await (await fetch(url)).json()) as { error: string }).error;

  test('on 0.0.0.0 or ::, a GET on the report listener names the address it came to, with the read port', async () => {
    const v4 = await startCollector({ host: '127.0.0.2', readListeners: [{ host: '0.0.0.0', port: 8991 }] });
    const v6 = await startCollector({ host: '::1', readListeners: [{ host: '::', port: 8992 }] });
    try {
      assert.match(await errorAt(`${v4.url}/v1/services`), /reads are on the read listener \(http-listen\): http:\/\/127\.0\.0\.2:8991$/);
      const { port } = v6.collector.app.server.address() as AddressInfo;
      assert.match(await errorAt(`http://[::1]:${port}/v1/services`), /reads are on the read listener \(http-listen\): http:\/\/\[::1\]:8992$/);
    } finally {
      await Promise.all([v4.close(), v6.close()]);
    }
  });

  test('off: a GET on the report listener says reads are off, and how to turn them on', async () => {
    const c = await startCollector({ readListeners: [] });
    try {
      assert.match(await errorAt(`${c.url}/v1/services`), /the read listener is off \(http-listen none\); to turn it on, write http-listen ADDRESS:PORT; in its place/);
    } finally {
      await c.close();
    }
  });
});

describe('http-allow and http-token', { timeout: 30_000 }, () => {
  test('a source outside http-allow is refused (403), whatever path it asks for', async () => {
    const c = await startCollector({ reads: { httpAllow: [cidr('10.0.0.0/8')], httpHosts: [], httpToken: null } });
    try {
      for (const path of ['/v1/services', '/metrics', '/v1/events', '/']) {
        const r = await c.get(path);
        assert.equal(r.status, 403, path);
        assert.deepEqual(r.body, { error: 'source address 127.0.0.1 may not read (see http-allow in the configuration)', code: 'READ_NOT_ALLOWED' });
      }
    } finally {
      await c.close();
    }
  });

  test('with http-token: no token or a wrong one is 401 with WWW-Authenticate; the right one reads; the token is never shown', async () => {
    const c = await startCollector({ reads: { ...LOOPBACK_READS, httpToken: TOKEN } });
    try {
      const missing = await fetch(`${c.readUrl}/v1/services`);
      assert.equal(missing.status, 401);
      assert.equal(missing.headers.get('www-authenticate'), 'Bearer realm="stevedore"');
      assert.equal(((await missing.json()) as { code: string }).code, 'READ_TOKEN_MISSING');
      const wrong = await c.get('/v1/services', { authorization: 'Bearer not-it' });
      assert.equal(wrong.status, 401);
      assert.equal((wrong.body as { code: string }).code, 'READ_TOKEN_WRONG');
      assert.equal((await c.get('/v1/health', { authorization: `Bearer ${TOKEN}` })).status, 200);
      const metrics = await fetch(`${c.readUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      assert.equal(metrics.status, 200);
      const everything = JSON.stringify([wrong.body, (await c.get('/v1/health', { authorization: `Bearer ${TOKEN}` })).body, await metrics.text(), c.logs]);
      assert.ok(!everything.includes(TOKEN));
      // Reports are not affected by the read token.
      assert.equal((await c.post({ service: 'DB', hostname: 'c1', exitCode: 0 })).status, 204);
    } finally {
      await c.close();
    }
  });

  test('a reload changes http-allow and http-token in place', async () => {
    const c = await startCollector();
    try {
      assert.equal((await c.get('/v1/services')).status, 200);
      c.reads.reconfigure({ httpAllow: [cidr('10.0.0.0/8')], httpHosts: [], httpToken: null });
      assert.equal((await c.get('/v1/services')).status, 403);
      c.reads.reconfigure({ ...LOOPBACK_READS, httpToken: TOKEN });
      assert.equal((await c.get('/v1/services')).status, 401);
    } finally {
      await c.close();
    }
  });
});

describe('the status page and a starting instance', { timeout: 30_000 }, () => {
  test('no other site may frame the page, and no answer is sniffed as another type', async () => {
    const c = await startCollector();
    try {
      const page = await fetch(`${c.readUrl}/`);
      assert.equal(page.status, 200);
      const policy = (page.headers.get('content-security-policy') ?? '').split(';').map((d) => d.trim());
      assert.ok(policy.includes("frame-ancestors 'none'"), policy.join('; '));
      assert.ok(policy.includes("default-src 'none'"), policy.join('; '));
      assert.equal(page.headers.get('x-frame-options'), 'DENY');
      for (const path of ['/', '/v1/services', '/metrics', '/nowhere']) {
        assert.equal((await fetch(`${c.readUrl}${path}`)).headers.get('x-content-type-options'), 'nosniff', path);
      }
    } finally {
      await c.close();
    }
  });

  test('a starting instance is counted in the summary, listed, and offered as a filter', async () => {
    const c = await startCollector();
    try {
      // Docker's start period: a source's own verdict, as docker-health gives it.
      c.registry.accept({ service: 'DB', hostname: '0123456789ab', exitCode: 0 }, { origin: 'docker-health', address: '172.17.0.2', container: null, verdict: { state: 'starting', consecutiveFailures: 0 } });
      const page = await (await fetch(`${c.readUrl}/`)).text();
      assert.match(page, /1 instances: 0 ok, 1 starting, 0 failing, 0 stale/);
      assert.match(page, /<tr[^>]*data-state="starting"/);
      assert.match(page, /<option value="starting">starting<\/option>/);
    } finally {
      await c.close();
    }
  });
});
