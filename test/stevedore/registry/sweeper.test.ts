import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isStateChange, type StateChange } from '../../../src/stevedore/registry/events.js';
import { Registry } from '../../../src/stevedore/registry/registry.js';
import { Sweeper } from '../../../src/stevedore/registry/sweeper.js';
import { serviceConfig } from '../../harness/config-fixture.js';
import { reportFrom } from '../../harness/result-source.js';
import { FakeTime } from '../../harness/fake-time.js';

test('the sweeper emits stale and expiry events when they fall due, with nothing reading', () => {
  const time = new FakeTime();
  const registry = new Registry({ services: [serviceConfig('DB', { ttlMs: 30_000, expireMs: 60_000 })], maxInstances: 10, maxOutputBytes: 64 }, time);
  const changes: StateChange[] = [];
  registry.subscribe((e) => isStateChange(e) && changes.push(e));
  const sweeper = new Sweeper(registry, time);
  sweeper.start();
  registry.accept({ service: 'DB', hostname: 'c1', exitCode: 0 }, reportFrom('10.0.0.2'));
  const reportedAt = time.wall();
  changes.length = 0;
  time.advance(31_000);
  assert.deepEqual(changes.map((c) => [c.kind, c.to, c.at]), [['instance', 'stale', reportedAt + 30_000], ['service', 'stale', reportedAt + 30_000]]);
  time.advance(60_000);
  assert.deepEqual(changes.slice(2).map((c) => [c.kind, c.to]), [['instance', null], ['service', 'unknown']]);
  sweeper.stop();
  assert.equal(time.pending, 0);
});
