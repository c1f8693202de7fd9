import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RateLimit } from '../../../src/stevedore/config/config.js';
import { OPEN_ADMISSION, startCollector, type RunningCollector } from '../../harness/collector.js';

const NAT = '10.20.30.40';

/** One report through the collector's app, as if from `address`. */
async function report(c: RunningCollector, address: string, hostname: string, headers: Record<string, string> = {}): Promise<{ status: number; code: unknown; retryAfter: unknown }> {
  const r = await c.collector.app.inject({
    method: 'POST',
    url: '/v1/report',
    remoteAddress: address,
    headers: { 'content-type': 'application/json', ...headers },
    payload: { service: 'DB', hostname, exitCode: 0 },
  });
  return { status: r.statusCode, code: r.statusCode === 204 ? null : r.json<{ code: string }>().code, retryAfter: r.headers['retry-after'] };
}

const collectorWith = (rateLimit: RateLimit | null, token: string | null = null): Promise<RunningCollector> =>
  startCollector({ admission: { ...OPEN_ADMISSION, token, rateLimit } });

/** Runs `body` against a collector of its own, closed afterwards. */
async function withCollector(rateLimit: RateLimit | null, token: string | null, body: (c: RunningCollector) => Promise<void>): Promise<void> {
  const c = await collectorWith(rateLimit, token);
  try {
    await body(c);
  } finally {
    await c.close();
  }
}

describe('rate-limit: one NAT source with more instances than its rate admits', { timeout: 60_000 }, () => {
  // 100 containers behind one address, each reporting every 10 s at its own fixed moment
  // (evenly spread: 10 reports/s), against rate-limit 5 20: twice what the limit admits.
  const INSTANCES = 100;
  const PERIOD_MS = 10_000;
  const ROUNDS = 12;
  const limit = { perSecond: 5, burst: 20 };
  const admitted = new Map<string, number>();
  let refused = 0;
  let c: RunningCollector;

  before(async () => {
    c = await collectorWith(limit);
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < INSTANCES; i++) {
        const hostname = `c${i}`;
        const r = await report(c, NAT, hostname);
        if (r.status === 204) admitted.set(hostname, (admitted.get(hostname) ?? 0) + 1);
        else {
          assert.deepEqual([r.status, r.code], [429, 'RATE_LIMITED']);
          refused++;
        }
        c.time.advance(PERIOD_MS / INSTANCES);
      }
    }
  });
  after(() => c.close());

  test('no instance starves: every one is admitted, and again in the later rounds', () => {
    const starved = Array.from({ length: INSTANCES }, (_, i) => `c${i}`).filter((h) => !admitted.has(h));
    assert.deepEqual(starved, []);
    // Over 12 rounds at half the demand, each instance gets in about every other round.
    const fewest = Math.min(...admitted.values());
    assert.ok(fewest >= ROUNDS / 2 - 2, `an instance was admitted only ${fewest} times in ${ROUNDS} rounds`);
  });

  test('every instance appears in the registry', () => {
    assert.equal(c.registry.service('DB')!.instances.size, INSTANCES);
  });

  test('the source gets its whole rate, and no more', () => {
    const seconds = (ROUNDS * PERIOD_MS) / 1000;
    const accepted = [...admitted.values()].reduce((a, b) => a + b, 0);
    assert.ok(accepted <= limit.burst + limit.perSecond * seconds, `${accepted} admitted: more than the limit allows`);
    assert.ok(accepted >= limit.perSecond * seconds - limit.burst, `${accepted} admitted: the source did not get its rate`);
    assert.equal(accepted + refused, ROUNDS * INSTANCES);
    assert.equal(c.registry.stats().reportsRejected, refused);
  });

  test('another source keeps its own rate meanwhile', async () => {
    assert.equal((await report(c, '10.99.0.1', 'elsewhere')).status, 204);
  });
});

describe('rate-limit: what counts, and its clock', { timeout: 30_000 }, () => {
  test('wrong tokens spend the source\'s rate: after the burst, 429 even with the right token', () =>
    withCollector({ perSecond: 1, burst: 3 }, 's3cret', async (c) => {
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await report(c, NAT, `c${i}`, { authorization: 'Bearer guess' })).code);
      assert.deepEqual(statuses, ['TOKEN_WRONG', 'TOKEN_WRONG', 'TOKEN_WRONG']);
      const next = await report(c, NAT, 'c0', { authorization: 'Bearer s3cret' });
      assert.deepEqual([next.status, next.code, next.retryAfter], [429, 'RATE_LIMITED', '1']);
      assert.equal((await report(c, '10.99.0.1', 'c0', { authorization: 'Bearer s3cret' })).status, 204, 'another source is not held back');
    }));

  test('rate-limit off admits everything', () =>
    withCollector(null, null, async (c) => {
      const statuses = new Set<number>();
      for (let i = 0; i < 500; i++) statuses.add((await report(c, NAT, `c${i % 3}`)).status);
      assert.deepEqual([...statuses], [204]);
    }));

  test('a wall clock stepped back an hour refuses nothing more: buckets run on the monotonic clock', () =>
    withCollector({ perSecond: 1, burst: 2 }, null, async (c) => {
      assert.equal((await report(c, NAT, 'a')).status, 204);
      assert.equal((await report(c, NAT, 'b')).status, 204);
      assert.equal((await report(c, NAT, 'c')).status, 429);
      c.time.stepWall(-3_600_000);
      c.time.advance(1000);
      assert.equal((await report(c, NAT, 'c')).status, 204);
      c.time.stepWall(3_600_000 * 2);
      assert.equal((await report(c, NAT, 'd')).status, 429, 'a step forward refills nothing either');
    }));

  test('a reload changes the rate', () =>
    withCollector({ perSecond: 1, burst: 1 }, null, async (c) => {
      assert.equal((await report(c, NAT, 'a')).status, 204);
      assert.equal((await report(c, NAT, 'b')).status, 429);
      c.collector.reconfigure({ ...OPEN_ADMISSION, rateLimit: { perSecond: 100, burst: 100 } });
      for (let i = 0; i < 50; i++) assert.equal((await report(c, NAT, `c${i}`)).status, 204);
    }));
});
