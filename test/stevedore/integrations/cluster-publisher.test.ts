import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { ClusterPublisher } from '../../../src/stevedore/integrations/cluster/publisher.js';
import { Registry } from '../../../src/stevedore/registry/registry.js';
import { serviceConfig } from '../../harness/config-fixture.js';
import { FakeEtcd } from '../../harness/fake-etcd.js';
import { FakeTime } from '../../harness/fake-time.js';
import { reportFrom } from '../../harness/result-source.js';

const settle = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
};
const PREFIX = '/tallyman/v1/c1/hosts/h1/';

describe('the cluster publisher, on the shared lease policy', () => {
  let time: FakeTime;
  let etcd: FakeEtcd;
  const lines: string[] = [];
  const log = { info: (_: unknown, m: string) => void lines.push(m), warn: (_: unknown, m: string) => void lines.push(m) } as never;
  const registry = (): Registry =>
    new Registry({ services: [serviceConfig('DB')], maxInstances: 100, maxOutputBytes: 4096, ttlMs: 90_000, expireMs: 3_600_000 }, time);
  const states = (): Record<string, unknown> =>
    Object.fromEntries([...etcd.keys].map(([k, v]) => [k.slice(PREFIX.length), k.endsWith('/host') ? 'record' : (JSON.parse(v.value) as { state: string }).state]));

  beforeEach(() => {
    time = new FakeTime();
    etcd = new FakeEtcd(time);
    lines.length = 0;
  });

  test('a restart replaces the earlier part in one transaction under a fresh lease of 10 s; a clean stop leaves the keys to their TTL', async () => {
    const first = registry();
    first.accept({ service: 'DB', hostname: 'a', exitCode: 0 }, reportFrom('10.0.0.5'));
    first.accept({ service: 'DB', hostname: 'gone', exitCode: 0 }, reportFrom('10.0.0.6'));
    const before = new ClusterPublisher(etcd, first, first, 'c1', 'h1', time, log);
    before.start();
    await settle();
    assert.deepEqual(states(), { host: 'record', 'instances/DB/a': 'ok', 'instances/DB/gone': 'ok' });
    await before.close();
    assert.equal(etcd.keys.size, 3, 'not revoked: the keys wait for a restart within the TTL');

    const second = registry();
    second.accept({ service: 'DB', hostname: 'a', exitCode: 2 }, reportFrom('10.0.0.5'));
    const after = new ClusterPublisher(etcd, second, second, 'c1', 'h1', time, log);
    const transactions = etcd.transactions.length;
    after.start();
    await settle();
    assert.deepEqual(states(), { host: 'record', 'instances/DB/a': 'failing' });
    assert.equal(etcd.transactions.length, transactions + 1, 'one transaction');
    const lease = etcd.keys.get(`${PREFIX}host`)!.lease;
    assert.equal(etcd.leases.get(lease)?.ttlSeconds, 10);
    assert.deepEqual(after.health(), { cluster: 'c1', host: 'h1', state: 'published', transactions: 1 });
    await after.close();
  });

  test('cut off while etcd is away, said once; state changes meanwhile are in etcd once it is back', async () => {
    const reg = registry();
    reg.accept({ service: 'DB', hostname: 'a', exitCode: 0 }, reportFrom('10.0.0.5'));
    const publisher = new ClusterPublisher(etcd, reg, reg, 'c1', 'h1', time, log);
    publisher.start();
    await settle();
    etcd.stop();
    time.advance(3000);
    await settle();
    reg.accept({ service: 'DB', hostname: 'a', exitCode: 1 }, reportFrom('10.0.0.5'));
    time.advance(3000);
    await settle();
    assert.equal(publisher.health().state, 'cut-off');
    assert.match(publisher.health().lastError ?? '', /etcd is unreachable/);
    etcd.restart();
    time.advance(3000);
    await settle();
    assert.deepEqual([publisher.health().state, states()], ['published', { host: 'record', 'instances/DB/a': 'failing' }]);
    assert.deepEqual(lines.filter((l) => l.includes('cannot publish')).length, 1);
    assert.ok(lines.includes('cluster c1: published again as h1'));
    await publisher.close();
  });
});
