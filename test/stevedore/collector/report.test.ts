import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { cidr, LOOPBACK_AND_PRIVATE, OPEN_ADMISSION, startCollector, type RunningCollector } from '../../harness/collector.js';

const ok = { service: 'DB', hostname: 'c1', exitCode: 0 };

/** Sends raw bytes with any headers (fetch would fix some of them up). */
function rawPost(url: string, body: Buffer | string, headers: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v1/report`, { method: 'POST', headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('POST /v1/report over real HTTP', { timeout: 30_000 }, () => {
  let c: RunningCollector;
  before(async () => (c = await startCollector()));
  after(() => c.close());

  test('204 for a minimal report, as curl would send it', async () => {
    const r = await c.post(ok);
    assert.equal(r.status, 204);
    assert.equal(c.registry.service('DB')!.instances.get('c1')!.state, 'ok');
  });

  test('204 for a full tallyman report, every field kept', async () => {
    const full = { service: 'DB', hostname: 'c2', exitCode: 3, signal: null, timedOut: false, stdout: 'out', stderr: 'err', truncated: false, startedAt: '2026-11-23T10:00:00.000Z', durationMs: 12, value: { lag: 3 }, version: '0.1.0' };
    assert.equal((await c.post(full)).status, 204);
    const kept = c.registry.service('DB')!.instances.get('c2')!.report;
    assert.deepEqual(kept, { exitCode: 3, signal: null, timedOut: false, stdout: 'out', stderr: 'err', truncated: false, startedAt: '2026-11-23T10:00:00.000Z', durationMs: 12, value: { lag: 3 }, version: '0.1.0' });
  });

  test('400 malformed JSON', async () => {
    const r = await c.post('{"service": "DB",');
    assert.equal(r.status, 400);
    assert.equal(r.body?.code, 'MALFORMED_JSON');
    assert.match(String(r.body?.error), /^malformed JSON/);
  });

  const invalid: [string, unknown, RegExp][] = [
    ['exitCode missing', { service: 'DB', hostname: 'c1' }, /'exitCode' is required/],
    ['hostname missing', { service: 'DB', exitCode: 0 }, /'hostname' is required/],
    ['exitCode a string', { ...ok, exitCode: '0' }, /exitCode: must be integer/],
    ['exitCode out of Integer32', { ...ok, exitCode: 2 ** 31 }, /exitCode: must be <= 2147483647/],
    ['exitCode a fraction', { ...ok, exitCode: 1.5 }, /exitCode: must be integer/],
    ['service name with a slash', { ...ok, service: 'a/b' }, /service: must be 1 to 64 characters/],
    ['hostname too long for the SNMP index', { ...ok, hostname: 'h'.repeat(49) }, /hostname: must be 1 to 48 characters .* SNMP instance table/],
    ['timedOut not a boolean', { ...ok, timedOut: 'yes' }, /timedOut: must be boolean/],
    ['startedAt not a time', { ...ok, startedAt: 'yesterday' }, /startedAt: must match format "date-time"/],
    ['negative duration', { ...ok, durationMs: -1 }, /durationMs: must be >= 0/],
    ['a report that is not an object', [ok], /report: must be object/],
    ['value nested too deep', { ...ok, value: JSON.parse('['.repeat(40) + ']'.repeat(40)) }, /value: nested deeper than 32 levels/],
  ];
  for (const [name, body, message] of invalid) {
    test(`400 ${name}, naming the field`, async () => {
      const r = await c.post(body);
      assert.equal(r.status, 400);
      assert.equal(r.body?.code, 'INVALID_REPORT');
      assert.match(String(r.body?.error), message);
    });
  }

  test('404 for an undeclared service, logged once a minute, not once per report', async () => {
    const before = c.logs.length;
    for (let i = 0; i < 5; i++) {
      const r = await c.post({ ...ok, service: 'ghost' });
      assert.equal(r.status, 404);
      assert.equal(r.body?.error, "service 'ghost' is not declared in the configuration");
    }
    const warned = () => c.logs.slice(before).filter((l) => String(l.msg).includes("undeclared service 'ghost'")).length;
    assert.equal(warned(), 1);
    c.time.advance(61_000);
    await c.post({ ...ok, service: 'ghost' });
    assert.equal(warned(), 2);
  });

  test('413 over the body limit', async () => {
    const r = await c.post({ ...ok, stdout: 'x'.repeat(300 * 1024) });
    assert.equal(r.status, 413);
    assert.equal(r.body?.error, 'report body larger than 262144 bytes');
  });

  test('415 not JSON', async () => {
    const r = await rawPost(c.url, 'service=DB', { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(r.status, 415);
    assert.match(String(r.body.error), /Content-Type: application\/json/);
  });

  test('415 for text/plain, saying to send application/json', async () => {
    const r = await rawPost(c.url, JSON.stringify(ok), { 'content-type': 'text/plain' });
    assert.deepEqual([r.status, r.body.code], [415, 'NOT_JSON']);
    assert.match(String(r.body.error), /send them with Content-Type: application\/json \(not text\/plain\)/);
  });

  test('application/json with a charset is JSON', async () => {
    const r = await rawPost(c.url, JSON.stringify(ok), { 'content-type': 'application/json; charset=utf-8' });
    assert.equal(r.status, 204 as number, JSON.stringify(r.body));
  });

  test('a charset other than UTF-8 is 415, saying to send UTF-8, and nothing is stored', async () => {
    const body = Buffer.from(JSON.stringify({ ...ok, hostname: 'utf16' }), 'utf16le');
    for (const type of ['application/json; charset=utf-16', 'application/json;charset="UTF-16LE"', 'application/json; CHARSET=latin1']) {
      const r = await rawPost(c.url, body, { 'content-type': type });
      assert.deepEqual([r.status, r.body.code], [415, 'NOT_UTF8'], type);
      assert.match(String(r.body.error), /^reports are UTF-8: send them with Content-Type: application\/json, or application\/json; charset=utf-8 \(not charset=(utf-16|utf-16le|latin1)\)$/);
    }
    assert.equal(c.registry.service('DB')!.instances.has('utf16'), false);
  });

  test('charset utf-8 in any case, quoted or not, is JSON', async () => {
    for (const type of ['application/json; charset=UTF-8', 'application/json; charset="utf-8"', 'Application/JSON;Charset="Utf-8"', 'application/json; charset=utf8']) {
      const r = await rawPost(c.url, JSON.stringify(ok), { 'content-type': type });
      assert.equal(r.status, 204 as number, `${type}: ${JSON.stringify(r.body)}`);
    }
  });

  test('a __proto__ or constructor.prototype key is 400 saying the key is not allowed, not that the JSON is malformed', async () => {
    const bodies = [
      '{"service":"DB","hostname":"p1","exitCode":0,"__proto__":{"polluted":true}}',
      '{"service":"DB","hostname":"p2","exitCode":0,"value":{"a":[{"__proto__":{}}]}}',
      '{"service":"DB","hostname":"p3","exitCode":0,"constructor":{"prototype":{"polluted":true}}}',
    ];
    for (const body of bodies) {
      const r = await c.post(body);
      assert.deepEqual([r.status, r.body?.code], [400, 'FORBIDDEN_KEY'], body);
      assert.equal(r.body?.error, 'a report may not hold a key named __proto__, nor a constructor key holding a prototype key (they would change every object): remove it');
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(c.registry.service('DB')!.instances.has('p1'), false);
    // A constructor key without prototype is no threat, and kept.
    assert.equal((await c.post({ ...ok, hostname: 'p4', value: { constructor: 'Acme' } })).status, 204);
  });

  test('refusals are counted, acceptances too', async () => {
    const before = c.registry.stats();
    await c.post({ ...ok, exitCode: 'x' });
    await c.post({ ...ok, service: 'ghost2' });
    await rawPost(c.url, 'x', { 'content-type': 'text/plain' });
    await c.post('{"service":');
    await c.post(ok);
    const after = c.registry.stats();
    assert.equal(after.reportsRejected - before.reportsRejected, 4);
    assert.equal(after.reportsAccepted - before.reportsAccepted, 1);
  });
});

describe('who may report', { timeout: 30_000 }, () => {
  test('403 for a source outside allow', async () => {
    const c = await startCollector({ admission: { allow: [cidr('10.0.0.0/8')], deny: [], token: null, rateLimit: OPEN_ADMISSION.rateLimit } });
    try {
      const r = await c.post(ok);
      assert.equal(r.status, 403);
      assert.equal(r.body?.code, 'SOURCE_NOT_ALLOWED');
      assert.match(String(r.body?.error), /source address 127\.0\.0\.1 may not send reports/);
      assert.equal(c.registry.stats().instances, 0);
    } finally {
      await c.close();
    }
  });

  test('deny wins over allow', async () => {
    const c = await startCollector({ admission: { allow: LOOPBACK_AND_PRIVATE, deny: [cidr('127.0.0.1/32')], token: null, rateLimit: OPEN_ADMISSION.rateLimit } });
    try {
      const r = await c.post(ok);
      assert.equal(r.status, 403);
      assert.equal(r.body?.code, 'SOURCE_DENIED');
    } finally {
      await c.close();
    }
  });

  test('an IPv4-mapped IPv6 source counts as IPv4', async () => {
    const c = await startCollector({ host: '::', admission: { allow: [cidr('127.0.0.0/8')], deny: [], token: null, rateLimit: OPEN_ADMISSION.rateLimit } });
    try {
      const r = await c.post(ok);
      assert.equal(r.status, 204, JSON.stringify(r.body));
      assert.equal(c.registry.service('DB')!.instances.get('c1')!.address, '127.0.0.1');
    } finally {
      await c.close();
    }
  });

  test('IPv6 allow and deny', async () => {
    const allowed = await startCollector({ host: '::1', admission: { allow: [cidr('::1/128')], deny: [], token: null, rateLimit: OPEN_ADMISSION.rateLimit } });
    const denied = await startCollector({ host: '::1', admission: { allow: [cidr('127.0.0.0/8')], deny: [], token: null, rateLimit: OPEN_ADMISSION.rateLimit } });
    try {
      const post = (url: string) => rawPost(url.replace('http://::1', 'http://[::1]'), JSON.stringify(ok), { 'content-type': 'application/json' }).catch((e: Error) => ({ status: 0, body: { error: e.message } }));
      assert.equal((await post(allowed.url)).status, 204);
      assert.equal((await post(denied.url)).status, 403);
    } finally {
      await allowed.close();
      await denied.close();
    }
  });

  test('token: 401 missing, 401 wrong, 204 right; a reload changes it', async () => {
    const c = await startCollector({ admission: { allow: LOOPBACK_AND_PRIVATE, deny: [], token: 's3cret', rateLimit: OPEN_ADMISSION.rateLimit } });
    try {
      const missing = await c.post(ok);
      assert.deepEqual([missing.status, missing.body?.code], [401, 'TOKEN_MISSING']);
      const wrong = await c.post(ok, { authorization: 'Bearer nope' });
      assert.deepEqual([wrong.status, wrong.body?.code], [401, 'TOKEN_WRONG']);
      assert.equal((await c.post(ok, { authorization: 'Bearer s3cret' })).status, 204);
      c.collector.reconfigure({ allow: LOOPBACK_AND_PRIVATE, deny: [], token: 'new', rateLimit: OPEN_ADMISSION.rateLimit });
      assert.equal((await c.post(ok, { authorization: 'Bearer s3cret' })).status, 401);
      assert.equal((await c.post(ok, { authorization: 'Bearer new' })).status, 204);
    } finally {
      await c.close();
    }
  });

  test('429 over the rate per source, with Retry-After; time refills it', async () => {
    const c = await startCollector({ admission: { ...OPEN_ADMISSION, rateLimit: { perSecond: 1, burst: 3 } } });
    try {
      const statuses = [];
      for (const hostname of ['a', 'b', 'c', 'd']) statuses.push((await c.post({ ...ok, hostname })).status);
      assert.deepEqual(statuses, [204, 204, 204, 429]);
      const limited = await c.post({ ...ok, hostname: 'e' });
      assert.equal(limited.body?.code, 'RATE_LIMITED');
      assert.equal(limited.headers.get('retry-after'), '1');
      c.time.advance(1000);
      assert.equal((await c.post({ ...ok, hostname: 'e' })).status, 204);
    } finally {
      await c.close();
    }
  });

  test('a system clock stepped back an hour refuses no source: the rate follows the monotonic clock', async () => {
    const c = await startCollector({ admission: { ...OPEN_ADMISSION, rateLimit: { perSecond: 1, burst: 2 } } });
    try {
      assert.equal((await c.post(ok)).status, 204);
      c.time.stepWall(-3_600_000);
      c.time.advance(1000);
      assert.deepEqual([(await c.post(ok)).status, (await c.post(ok)).status], [204, 204]);
    } finally {
      await c.close();
    }
  });

  test('429 at max-instances: existing instances keep updating, the refusal is logged once a minute', async () => {
    const c = await startCollector({ registry: { maxInstances: 2 } });
    try {
      assert.equal((await c.post({ ...ok, hostname: 'a' })).status, 204);
      assert.equal((await c.post({ ...ok, hostname: 'b' })).status, 204);
      const refused = await c.post({ ...ok, hostname: 'c' });
      assert.deepEqual([refused.status, refused.body?.code], [429, 'INSTANCE_CAP']);
      await c.post({ ...ok, hostname: 'd' });
      assert.equal((await c.post({ ...ok, hostname: 'a', exitCode: 1 })).status, 204);
      assert.equal(c.registry.service('DB')!.instances.get('a')!.state, 'failing');
      assert.equal(c.logs.filter((l) => String(l.msg).startsWith('new instance refused')).length, 1);
    } finally {
      await c.close();
    }
  });
});
