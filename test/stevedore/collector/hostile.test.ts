import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { OPEN_ADMISSION, startCollector, type RunningCollector } from '../../harness/collector.js';
import { prng } from '../../harness/prng.js';

function rawRequest(url: string, head: string, body: Buffer): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(Buffer.concat([Buffer.from(head), body])));
    let text = '';
    socket.on('data', (c) => (text += c.toString('latin1')));
    socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0)));
    socket.on('error', reject);
  });
}

describe('hostile reports never crash the collector and never touch another instance', { timeout: 60_000 }, () => {
  let c: RunningCollector;
  before(async () => {
    c = await startCollector();
    await c.post({ service: 'DB', hostname: 'bystander', exitCode: 0, stdout: 'fine' });
  });
  after(() => c.close());

  const bystanderUnchanged = () => {
    const b = c.registry.service('DB')!.instances.get('bystander')!;
    assert.deepEqual([b.state, b.reports, b.report.stdout], ['ok', 1, 'fine']);
  };

  // Each case with the answer a reporter gets: never a crash, never a 5xx.
  const hostile: [string, string | Buffer, number][] = [
    ['deep nesting in value', `{"service":"DB","hostname":"h1","exitCode":0,"value":${'['.repeat(5000)}${']'.repeat(5000)}}`, 400],
    ['deep nesting as the body', '['.repeat(100_000) + ']'.repeat(100_000), 400],
    ['a huge string just under the limit', JSON.stringify({ service: 'DB', hostname: 'h2', exitCode: 0, stdout: 'x'.repeat(250_000) }), 204],
    ['invalid UTF-8', Buffer.concat([Buffer.from('{"service":"DB","hostname":"h3","exitCode":0,"stdout":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]), 204],
    ['out-of-range numbers', '{"service":"DB","hostname":"h4","exitCode":1e400}', 400],
    ['negative zero and exponents', '{"service":"DB","hostname":"h5","exitCode":-0,"durationMs":1e3}', 204],
    ['extra fields', JSON.stringify({ service: 'DB', hostname: 'h6', exitCode: 0, reports: 1e9, state: 'ok', admin: true }), 204],
    ['__proto__ key', '{"service":"DB","hostname":"h7","exitCode":0,"__proto__":{"polluted":true}}', 400],
    ['constructor.prototype key', '{"service":"DB","hostname":"h8","exitCode":0,"constructor":{"prototype":{"polluted":true}}}', 400],
    ['__proto__ inside value', '{"service":"DB","hostname":"h9","exitCode":0,"value":{"__proto__":{"polluted":true}}}', 400],
    ['hostname naming the bystander with a trick', JSON.stringify({ service: 'DB', hostname: 'bystander\u0000', exitCode: 1 }), 400],
    ['null body', 'null', 400],
    ['a bare number', '42', 400],
  ];
  for (const [name, body, status] of hostile) {
    test(`${name}: ${status}`, async () => {
      const r = await c.post(body);
      assert.equal(r.status, status, JSON.stringify(r.body));
      assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype polluted');
      bystanderUnchanged();
    });
  }

  test('extra fields are ignored, not stored over the registry\'s own counters', async () => {
    const h6 = c.registry.service('DB')!.instances.get('h6')!;
    assert.equal(h6.reports, 1);
  });

  test('invalid UTF-8 is stored as U+FFFD', async () => {
    const h3 = c.registry.service('DB')!.instances.get('h3')!;
    assert.match(h3.report.stdout, /\uFFFD/);
    const r = await c.get('/v1/services/DB');
    assert.equal(r.status, 200);
  });

  test('a body shorter than its Content-Length, then the connection closed: the collector goes on', async () => {
    const before = c.registry.stats().instances;
    await rawRequest(c.url, 'POST /v1/report HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10\r\nConnection: close\r\n\r\n', Buffer.from('{"a"'));
    assert.equal((await c.get('/v1/health')).status, 200);
    assert.equal(c.registry.stats().instances, before, 'nothing from the cut request');
    bystanderUnchanged();
  });

  test('random bodies (seeded) never crash it', async () => {
    const random = prng(20261123);
    const pieces = ['{', '}', '[', ']', '"service"', '"DB"', '"hostname"', '"exitCode"', ':', ',', '0', '-1', '1e999', 'null', 'true', '"\\u0000"', '"\\ud800"', '"__proto__"'];
    for (let i = 0; i < 300; i++) {
      const n = 1 + Math.floor(random() * 20);
      let body = '';
      for (let k = 0; k < n; k++) body += pieces[Math.floor(random() * pieces.length)];
      const r = await c.post(body);
      assert.ok(r.status < 500, `status ${r.status} for ${body}`);
    }
    bystanderUnchanged();
    assert.equal((await c.get('/v1/health')).status, 200);
  });
});

describe('many concurrent writers', { timeout: 60_000 }, () => {
  test('counts stay consistent', async () => {
    const c = await startCollector({ admission: { ...OPEN_ADMISSION, rateLimit: null } });
    try {
      const writers = 20;
      const each = 50;
      await Promise.all(
        Array.from({ length: writers }, (_, w) =>
          (async () => {
            for (let i = 0; i < each; i++) {
              const r = await c.post({ service: i % 2 ? 'DB' : 'web', hostname: `h${w}-${i % 5}`, exitCode: i % 3 === 0 ? 1 : 0 });
              assert.equal(r.status, 204);
            }
          })(),
        ),
      );
      const stats = c.registry.stats();
      assert.equal(stats.reportsAccepted, writers * each);
      assert.equal(stats.instances, writers * 10, "each writer reports for 5 hostnames in each of 2 services");
      let reports = 0;
      let instances = 0;
      for (const s of c.registry.services()) {
        assert.equal(s.counts.ok + s.counts.failing + s.counts.stale, s.instances.size);
        instances += s.instances.size;
        for (const i of s.instances.values()) reports += i.reports;
      }
      assert.equal(instances, stats.instances);
      assert.equal(reports, writers * each);
    } finally {
      await c.close();
    }
  });
});
