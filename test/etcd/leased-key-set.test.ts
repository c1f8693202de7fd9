import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { LeasedKeySet, type LeasePolicy } from '../../src/etcd/leased-key-set.js';
import { FakeEtcd } from '../harness/fake-etcd.js';
import { FakeTime } from '../harness/fake-time.js';

const settle = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('the lease policy (LeasedKeySet) and its options', () => {
  let time: FakeTime;
  let etcd: FakeEtcd;
  const heard: string[] = [];
  const keySet = (policy: Partial<LeasePolicy> = {}): LeasedKeySet =>
    new LeasedKeySet(etcd, time, { ttlSeconds: 10, renewEveryMs: 3000, revokeOnStop: false, ...policy }, (status, error) => void heard.push(error ? `${status}: ${error.message}` : status));
  const leasesOf = (): string[] => [...new Set([...etcd.keys.values()].map((kv) => kv.lease))];

  beforeEach(() => {
    time = new FakeTime();
    etcd = new FakeEtcd(time);
    heard.length = 0;
  });

  test('revoke-on-stop: a stop revokes the lease, every key vanishes at once and no timer is left', async () => {
    const set = keySet({ revokeOnStop: true });
    set.set('/d/a', '1');
    set.set('/d/b', '2');
    set.start();
    await settle();
    assert.deepEqual(etcd.values(), { '/d/a': '1', '/d/b': '2' });
    await set.stop();
    assert.deepEqual([etcd.keys.size, etcd.leases.size, time.pending, set.state], [0, 0, 0, 'stopped']);
  });

  test('without revoke-on-stop: the keys outlive a stop until the TTL runs out, and nothing renews them', async () => {
    const set = keySet({ revokeOnStop: false });
    set.set('/c/host', 'h');
    set.start();
    await settle();
    await set.stop();
    assert.deepEqual([etcd.values(), time.pending], [{ '/c/host': 'h' }, 0]);
    const keepAlives = etcd.keepAlives;
    time.advance(9000);
    await etcd.getPrefix('/');
    assert.deepEqual(etcd.values(), { '/c/host': 'h' }, 'still there within the TTL');
    time.advance(1000);
    await etcd.getPrefix('/');
    assert.deepEqual([etcd.values(), etcd.keepAlives], [{}, keepAlives], 'gone with the TTL, never renewed after the stop');
  });

  test('steady state is one renewal every renewEveryMs; changes within coalesceMs go out in one transaction', async () => {
    const set = keySet({ coalesceMs: 100 });
    set.set('/c/a', 'ok');
    set.start();
    await settle();
    const transactions = etcd.transactions.length;
    for (let i = 0; i < 30; i++) {
      time.advance(1000);
      await settle();
    }
    assert.deepEqual([etcd.keepAlives, etcd.transactions.length], [10, transactions], 'ten renewals, no write');
    set.set('/c/a', 'failing');
    set.set('/c/b', 'ok');
    set.delete('/c/a');
    set.set('/c/a', 'stale');
    time.advance(100);
    await settle();
    assert.equal(etcd.transactions.length, transactions + 1, 'one transaction for the four changes');
    assert.deepEqual(etcd.values(), { '/c/a': 'stale', '/c/b': 'ok' });
    assert.equal(set.transactions, etcd.transactions.length);
  });

  test('a lease lost under a running owner (revoked by hand): the next renewal writes every key again under a fresh lease, in one transaction', async () => {
    const set = keySet({ maxTxnOps: 1000 });
    for (let i = 0; i < 200; i++) set.set(`/c/k${i}`, `v${i}`);
    set.start();
    await settle();
    const [first] = leasesOf();
    etcd.dropLease(first as string);
    assert.equal(etcd.keys.size, 0);
    const transactions = etcd.transactions.length;
    time.advance(3000);
    await settle();
    assert.equal(etcd.keys.size, 200);
    assert.equal(etcd.transactions.length, transactions + 1, 'one transaction');
    assert.equal(leasesOf().length, 1);
    assert.notEqual(leasesOf()[0], first, 'a fresh lease');
    assert.deepEqual([set.state, heard.at(-1)], ['held', 'held']);
  });

  test('a part larger than maxTxnOps is written in as few transactions as the limit allows', async () => {
    const set = keySet({ maxTxnOps: 128 });
    for (let i = 0; i < 300; i++) set.set(`/c/k${i}`, `v${i}`);
    await set.sync();
    assert.deepEqual(etcd.transactions.map((t) => t.length), [128, 128, 44]);
  });

  test('owning a prefix: a fresh lease replaces whatever an earlier process left under it, in the same transaction; without, others\' keys are left alone', async () => {
    const earlier = keySet();
    for (const k of ['host', 'instances/DB/a', 'instances/DB/gone']) earlier.set(`/c/h1/${k}`, 'earlier');
    earlier.set('/c/h2/host', 'another host');
    await earlier.sync();
    const owner = keySet({ ownsPrefix: '/c/h1/' });
    owner.set('/c/h1/host', 'now');
    owner.set('/c/h1/instances/DB/a', 'now');
    const transactions = etcd.transactions.length;
    await owner.sync();
    assert.deepEqual(etcd.values(), { '/c/h1/host': 'now', '/c/h1/instances/DB/a': 'now', '/c/h2/host': 'another host' });
    assert.deepEqual(etcd.transactions.slice(transactions).map((t) => t.map((op) => ('put' in op ? `put ${op.put.key}` : `delete ${op.delete.key}`))), [
      ['delete /c/h1/instances/DB/gone', 'put /c/h1/host', 'put /c/h1/instances/DB/a'],
    ]);
    const sharing = keySet();
    sharing.set('/c/h1/other', 'x');
    await sharing.sync();
    assert.equal(etcd.values()['/c/h1/host'], 'now', 'a set that does not own the prefix deletes nothing of others');
  });

  test('an outage: failing with the error, retried after retryMs; back, every key is written again under a fresh lease, none let go of meanwhile, and the revived old lease is revoked', async () => {
    const set = keySet({ retryMs: 1000 });
    set.set('/d/a', '1');
    set.set('/d/b', '2');
    set.start();
    await settle();
    const [old] = leasesOf();
    etcd.stop();
    time.advance(3000);
    await settle();
    assert.equal(set.state, 'failing');
    assert.match(set.lastError?.message ?? '', /etcd is unreachable/);
    set.delete('/d/b');
    set.set('/d/c', '3');
    const keepAlives = etcd.keepAlives;
    etcd.restart();
    time.advance(1000);
    await settle();
    assert.equal(etcd.keepAlives, keepAlives + 1, 'retried after retryMs, before the next renewal');
    assert.deepEqual(etcd.values(), { '/d/a': '1', '/d/c': '3' });
    assert.equal(etcd.leases.has(old as string), false, 'the old lease is revoked');
    assert.deepEqual([set.state, set.lastError, set.size], ['held', undefined, 2]);
    assert.ok(heard.some((h) => h.startsWith('failing: etcd is unreachable')), 'the owner heard of the failure');
  });

  test('nothing wanted, nothing held: no lease is granted', async () => {
    const set = keySet();
    set.start();
    time.advance(9000);
    await settle();
    assert.deepEqual([etcd.leases.size, set.state], [0, 'held']);
    await set.stop();
  });
});
