import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import type { Report } from '../../../src/common/report.js';
import type { ContainerDescription } from '../../../src/docker/container-description.js';
import { Registry } from '../../../src/stevedore/registry/registry.js';
import { Sweeper } from '../../../src/stevedore/registry/sweeper.js';
import { EtcdSink } from '../../../src/stevedore/sinks/etcd/etcd-sink.js';
import { serviceConfig } from '../../harness/config-fixture.js';
import { FakeEtcd } from '../../harness/fake-etcd.js';
import { FakeTime } from '../../harness/fake-time.js';
import { reportFrom } from '../../harness/result-source.js';

const TTL_SECONDS = 9;
const RENEW_MS = (TTL_SECONDS * 1000) / 3;

const settle = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
};

const WEB: ContainerDescription = { IP: '172.17.0.3', Name: '/web-1', Ports: [{ IP: '192.0.2.7', PrivatePort: 80, PublicPort: 32768, Type: 'tcp' }] };
const CONTAINER = { id: 'f'.repeat(64), name: 'web-1', image: 'local/web', ipAddresses: ['172.17.0.3'], ports: ['0.0.0.0:32768->80/tcp'] };

describe('etcd sink', () => {
  let time: FakeTime;
  let etcd: FakeEtcd;
  let registry: Registry;
  let sink: EtcdSink;
  const warnings: string[] = [];
  const report = (service: string, hostname: string, exitCode = 0): Report => ({ service, hostname, exitCode });

  beforeEach(() => {
    time = new FakeTime();
    etcd = new FakeEtcd(time);
    warnings.length = 0;
    registry = new Registry({ services: [serviceConfig('DB', { ttlMs: 60_000 }), serviceConfig('web')], maxInstances: 100, maxOutputBytes: 4096, ttlMs: 90_000, expireMs: 3_600_000 }, time);
    new Sweeper(registry, time).start();
    sink = newSink();
  });

  /** A sink on the fake etcd, its warnings and errors kept in `warnings`, its info lines in `infos`. */
  function newSink(infos: string[] = []): EtcdSink {
    return new EtcdSink({
      etcd,
      connection: etcd,
      endpoints: ['127.0.0.1:2379'],
      prefix: '/SERVICE',
      ttlSeconds: TTL_SECONDS,
      registry,
      describe: async (id) => (id === CONTAINER.id ? WEB : null),
      time,
      log: { info: (m: string) => void infos.push(m), warn: (m: string) => void warnings.push(m), error: (m: string) => void warnings.push(m) } as never,
    });
  }

  test('an ok instance is published with what its report says; it goes when the instance fails, and comes back', async () => {
    sink.start();
    registry.accept(report('DB', 'db-1'), reportFrom('10.0.0.5'));
    await settle();
    assert.deepEqual(etcd.values(), { '/SERVICE/DB/db-1': '{"IP":"10.0.0.5","Name":"db-1","Ports":[]}' });
    registry.accept(report('DB', 'db-1', 2), reportFrom('10.0.0.5'));
    await settle();
    assert.deepEqual(etcd.values(), {});
    registry.accept(report('DB', 'db-1'), reportFrom('10.0.0.5'));
    await settle();
    assert.deepEqual(Object.keys(etcd.values()), ['/SERVICE/DB/db-1']);
  });

  test("an instance with a container is published with Docker's description of it", async () => {
    sink.start();
    registry.accept(report('web', 'ffffffffffff'), { origin: 'checker', address: '172.17.0.3', container: CONTAINER });
    await settle();
    assert.deepEqual(etcd.values(), { '/SERVICE/web/ffffffffffff': JSON.stringify(WEB) });
  });

  test('ok instances already there when the sink starts are published', async () => {
    registry.accept(report('DB', 'db-1'), reportFrom('10.0.0.5'));
    registry.accept(report('DB', 'db-2', 1), reportFrom('10.0.0.6'));
    sink.start();
    await settle();
    assert.deepEqual(Object.keys(etcd.values()), ['/SERVICE/DB/db-1']);
  });

  test('steady state: reports of an ok instance write nothing; the lease is renewed every third of its TTL and outlives them', async () => {
    sink.start();
    registry.accept(report('DB', 'db-1'), reportFrom('10.0.0.5'));
    await settle();
    const writes = etcd.writes;
    const keepAlives = etcd.keepAlives;
    for (let i = 0; i < 30; i++) {
      time.advance(1000);
      registry.accept(report('DB', 'db-1'), reportFrom('10.0.0.5'));
      await settle();
    }
    assert.equal(etcd.writes, writes, 'no write per report');
    assert.equal(etcd.keepAlives - keepAlives, 30_000 / RENEW_MS, 'one renewal every TTL/3');
    assert.deepEqual(Object.keys(etcd.values()), ['/SERVICE/DB/db-1'], 'the key outlived three TTLs');
  });

  test('stale and removed instances leave etcd, and so do those of a service a reload removes', async () => {
    sink.start();
    registry.accept(report('DB', 'db-1'), reportFrom('10.0.0.5'));
    registry.accept(report('web', 'w-1'), reportFrom('10.0.0.7'));
    registry.accept(report('web', 'w-2'), { origin: 'checker', address: '172.17.0.3', container: CONTAINER });
    await settle();
    assert.equal(etcd.keys.size, 3);
    registry.containerRemoved(CONTAINER.id);
    await settle();
    assert.deepEqual(Object.keys(etcd.values()), ['/SERVICE/DB/db-1', '/SERVICE/web/w-1']);
    registry.reconfigure({ services: [serviceConfig('DB', { ttlMs: 60_000 })], maxInstances: 100, maxOutputBytes: 4096, ttlMs: 90_000, expireMs: 3_600_000 });
    await settle();
    assert.deepEqual(Object.keys(etcd.values()), ['/SERVICE/DB/db-1']);
    registry.accept(report('DB', 'db-1'), reportFrom('10.0.0.5'));
    for (let i = 0; i < 61; i++) {
      time.advance(1000);
      await settle();
    }
    assert.deepEqual(etcd.values(), {}, 'stale after its ttl: gone');
  });

  test('after an outage longer than the TTL: a fresh lease with every ok instance, none that left ok meanwhile', async () => {
    sink.start();
    registry.accept(report('DB', 'db-1'), reportFrom('10.0.0.5'));
    registry.accept(report('DB', 'db-2'), reportFrom('10.0.0.6'));
    await settle();
    const before = etcd.keys.get('/SERVICE/DB/db-1')!.lease;
    etcd.stop();
    time.advance(RENEW_MS);
    await settle();
    assert.equal(sink.health().state, 'unreachable');
    assert.match(sink.health().lastError ?? '', /etcd is unreachable/);
    registry.accept(report('DB', 'db-2', 1), reportFrom('10.0.0.6'));
    registry.accept(report('web', 'w-1'), reportFrom('10.0.0.7'));
    await settle();
    time.advance(TTL_SECONDS * 1000 + 1000);
    await settle();
    etcd.restart();
    time.advance(1000);
    await settle();
    assert.deepEqual(Object.keys(etcd.values()).sort(), ['/SERVICE/DB/db-1', '/SERVICE/web/w-1']);
    assert.notEqual(etcd.keys.get('/SERVICE/DB/db-1')!.lease, before, 'a fresh lease');
    assert.equal(etcd.leases.has(before), false, 'the revived old lease is revoked');
    assert.equal(sink.health().state, 'publishing');
    assert.equal(sink.health().keys, 2);
    assert.equal(warnings.filter((w) => w.startsWith('etcd is unreachable')).length, 1, 'the outage is said once');
  });

  test('a clean stop revokes the lease: every key gone at once; the sink publishes nothing after', async () => {
    sink.start();
    registry.accept(report('DB', 'db-1'), reportFrom('10.0.0.5'));
    registry.accept(report('web', 'w-1'), reportFrom('10.0.0.7'));
    await settle();
    assert.equal(etcd.keys.size, 2);
    await sink.stop();
    assert.deepEqual([etcd.keys.size, etcd.leases.size], [0, 0]);
    registry.accept(report('DB', 'db-2'), reportFrom('10.0.0.6'));
    time.advance(RENEW_MS);
    await settle();
    assert.deepEqual([etcd.keys.size, sink.health().state, time.pending], [0, 'stopped', 1], 'only the sweeper is left');
  });

  test('with no instance ok and etcd refusing, the sink says unreachable once the connection finds it so, and publishing only once etcd answers', async () => {
    const infos: string[] = [];
    sink = newSink(infos);
    etcd.stop();
    sink.start();
    await settle();
    assert.equal(sink.health().state, 'connecting', 'nothing has asked etcd yet');
    assert.equal(infos.length, 0, 'no "publishing" before etcd answered');
    // Another part on the same connection (the cluster publisher) finds etcd refusing.
    await etcd.getPrefix('/').catch(() => undefined);
    assert.deepEqual(sink.health(), { state: 'unreachable', endpoints: ['127.0.0.1:2379'], prefix: '/SERVICE', ttlSeconds: TTL_SECONDS, keys: 0, lastError: 'etcd is unreachable (127.0.0.1:2379: connect ECONNREFUSED)' });
    assert.deepEqual(warnings, ['etcd is unreachable (127.0.0.1:2379: connect ECONNREFUSED); keys are written again when it is back'], 'said once');
    etcd.restart();
    await etcd.getPrefix('/');
    assert.deepEqual([sink.health().state, sink.health().lastError], ['publishing', undefined]);
    assert.equal(infos.filter((m) => m.startsWith('etcd: publishing')).length, 1);
  });

  test('health shows the session and never more than endpoints', async () => {
    sink.start();
    registry.accept(report('DB', 'db-1'), reportFrom('10.0.0.5'));
    await settle();
    assert.deepEqual(sink.health(), { state: 'publishing', endpoints: ['127.0.0.1:2379'], prefix: '/SERVICE', ttlSeconds: TTL_SECONDS, keys: 1 });
  });
});
