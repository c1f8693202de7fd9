import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimiter } from '../../../src/stevedore/collector/rate-limiter.js';
import { FakeTime } from '../../harness/fake-time.js';
import { prng } from '../../harness/prng.js';

describe('rate-limit turns: one Docker host NATing 1 000 containers, reporting every 10 s, against 50/s', () => {
  // Each container reports at its own fixed moment of the period, as Docker's health checks do.
  const CONTAINERS = 1000;
  const PERIOD_MS = 10_000;
  const DURATION_MS = 75_000;
  const limit = { perSecond: 50, burst: 200 };
  const random = prng(9);
  const moments = Array.from({ length: CONTAINERS }, () => Math.floor(random() * PERIOD_MS));
  const reports = moments.flatMap((moment, i) => Array.from({ length: Math.ceil((DURATION_MS - moment) / PERIOD_MS) }, (_, k) => ({ at: moment + k * PERIOD_MS, i })));
  reports.sort((a, b) => a.at - b.at || a.i - b.i);

  const time = new FakeTime();
  const limiter = new RateLimiter(limit, time);
  const start = time.monotonic();
  const admittedAt: number[][] = Array.from({ length: CONTAINERS }, () => []);
  for (const { at, i } of reports) {
    time.advance(start + at - time.monotonic());
    if (limiter.take('172.31.0.1') && limiter.turn('172.31.0.1', 'DB', `c${i}`)) admittedAt[i]!.push(at);
  }
  const admitted = admittedAt.reduce((n, list) => n + list.length, 0);

  test('every container is admitted, within its first two reports', () => {
    const late = admittedAt.map((list, i) => ({ i, first: list[0] ?? Infinity })).filter(({ i, first }) => first > (moments[i] as number) + PERIOD_MS);
    assert.deepEqual(late, []);
  });

  test('none waits longer than its share of the rate (20 s) and one period between admissions', () => {
    const gaps = admittedAt.flatMap((list) => list.slice(1).map((at, k) => at - (list[k] as number)));
    assert.ok(Math.max(...gaps) <= 30_000, `a container waited ${Math.max(...gaps)} ms: it would turn stale under a 30 s ttl`);
  });

  test('the refusals are what the limit implies: the source gets its rate, and no more', () => {
    const seconds = DURATION_MS / 1000;
    assert.ok(admitted <= limit.burst + limit.perSecond * seconds, `${admitted} admitted`);
    assert.ok(admitted >= limit.perSecond * seconds, `${admitted} admitted of ${reports.length}`);
  });
});
