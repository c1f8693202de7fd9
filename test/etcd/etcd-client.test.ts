import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { EtcdClient } from '../../src/etcd/client.js';
import { EtcdError } from '../../src/etcd/errors.js';
import { LeasedKey } from '../../src/etcd/leased-key.js';
import { LeasedKeySet } from '../../src/etcd/leased-key-set.js';
import { PrefixWatch, type WatchEvent } from '../../src/etcd/watch.js';
import { systemTime } from '../../src/common/time.js';
import { startEtcd, type Etcd } from '../harness/etcd.js';
import { freePort } from '../harness/free-port.js';
import { tempDir, type TempDir } from '../harness/temp-dir.js';
import { waitFor } from '../harness/wait-for.js';

describe('etcd client and lease policy, against a real etcd', () => {
  let dir: TempDir;
  let etcd: Etcd;
  let client: EtcdClient;
  const statuses: string[] = [];

  before(async () => {
    dir = tempDir('etcd');
    etcd = await startEtcd(dir.path);
    client = new EtcdClient([{ host: '127.0.0.1', port: etcd.port }], (status) => statuses.push(status));
  });
  after(async () => {
    client?.close();
    await etcd?.stop();
    dir?.remove();
  });

  it('puts, reads by prefix, deletes and runs a transaction', async () => {
    await client.put('/t/a', 'one');
    await client.txn([{ put: { key: '/t/b', value: 'two' } }, { delete: { key: '/t/a' } }]);
    assert.deepEqual((await client.getPrefix('/t/')).map((kv) => [kv.key, kv.value]), [['/t/b', 'two']]);
    assert.equal(await client.delete('/t/b'), 1);
    assert.deepEqual(await client.getPrefix('/t/'), []);
  });

  it('holds a set of keys under one lease, more than one transaction holds, and writes only what changed', async () => {
    const set = new LeasedKeySet(client, systemTime, { ttlSeconds: 9, revokeOnStop: true });
    const wanted = new Map(Array.from({ length: 300 }, (_, i) => [`/set/k${String(i).padStart(3, '0')}`, `v${i}`]));
    for (const [key, value] of wanted) set.set(key, value);
    await set.sync();
    const all = await client.getPrefix('/set/');
    assert.equal(all.length, 300);
    assert.deepEqual(new Set(all.map((kv) => kv.lease)), new Set([set.leaseId]), 'one lease for all');
    const revision = Math.max(...all.map((kv) => kv.modRevision));
    for (const key of [...wanted.keys()].slice(100)) set.delete(key);
    set.set('/set/k000', 'changed');
    await set.sync();
    const left = await client.getPrefix('/set/');
    assert.deepEqual([left.length, left[0]?.value, set.size], [100, 'changed', 100]);
    assert.deepEqual(left.filter((kv) => kv.modRevision > revision).map((kv) => kv.key), ['/set/k000'], 'the unchanged keys were not written again');
    await set.revoke();
    assert.deepEqual(await client.getPrefix('/set/'), []);
  });

  it('holds a key under a lease of its TTL, renews it, and deletes it at once on release', async () => {
    const key = new LeasedKey(client, '/SERVICE/web/abc', 7);
    await key.hold('{"IP":"172.17.0.3"}');
    assert.equal(await etcd.get('/SERVICE/web/abc'), '{"IP":"172.17.0.3"}');
    const lease = await etcd.leaseOf('/SERVICE/web/abc');
    assert.equal(lease?.grantedTtl, 7);
    await key.hold('{"IP":"172.17.0.4"}');
    assert.equal(await etcd.get('/SERVICE/web/abc'), '{"IP":"172.17.0.4"}');
    assert.equal((await etcd.leaseOf('/SERVICE/web/abc'))?.id, lease?.id, 'the same lease is renewed, not a new one granted');
    await key.release();
    assert.equal(await etcd.get('/SERVICE/web/abc'), null);
    await key.release(); // nothing held: no error
  });

  it('writes the key again under a fresh lease after etcd was down for longer than the TTL, and revokes the old one', async () => {
    const key = new LeasedKey(client, '/SERVICE/web/outage', 2);
    await key.hold('v');
    const before = await etcd.leaseOf('/SERVICE/web/outage');
    await etcd.kill();
    await assert.rejects(key.hold('v'), (e: unknown) => e instanceof EtcdError && e.code === 'ETCD_UNREACHABLE');
    assert.equal(client.status, 'unreachable');
    await sleep(3000); // longer than the TTL
    await etcd.start();
    await key.hold('v');
    assert.equal(await etcd.get('/SERVICE/web/outage'), 'v');
    const afterOutage = await etcd.leaseOf('/SERVICE/web/outage');
    assert.notEqual(afterOutage?.id, before?.id);
    assert.equal(afterOutage?.grantedTtl, 2);
    assert.match(await etcd.ctl(['lease', 'timetolive', before?.id ?? '']), /already expired/, 'the old lease is revoked');
    assert.deepEqual(statuses.slice(-2), ['unreachable', 'reachable']);
    await key.release();
  });

  it('fails over to the next endpoint when the first does not answer', async () => {
    const dead = await freePort();
    const both = new EtcdClient([{ host: '127.0.0.1', port: dead }, { host: '127.0.0.1', port: etcd.port }]);
    try {
      await both.put('/t/failover', 'yes');
      assert.equal(await etcd.get('/t/failover'), 'yes');
    } finally {
      both.close();
    }
    const none = new EtcdClient([{ host: '127.0.0.1', port: dead }]);
    try {
      await assert.rejects(none.put('/t/x', 'y'), (e: unknown) => e instanceof EtcdError && e.code === 'ETCD_UNREACHABLE' && e.message.includes(`127.0.0.1:${dead}`));
    } finally {
      none.close();
    }
  });

  it('watches a prefix from a past revision, and resumes after etcd restarts without losing a change', async () => {
    await client.put('/w/a', '1');
    const from = (await client.getPrefix('/w/'))[0]?.modRevision ?? 0;
    await client.put('/w/b', '2');
    await client.delete('/w/a');
    const seen: WatchEvent[] = [];
    const watch = new PrefixWatch(client, '/w/', from, { onEvents: (events) => seen.push(...events), onCompacted: () => assert.fail('nothing was compacted') }, systemTime, () => 200);
    try {
      await waitFor('the history since the revision', () => seen.length === 3);
      assert.deepEqual(seen.map((e) => [e.type, e.key, e.value]), [['put', '/w/a', '1'], ['put', '/w/b', '2'], ['delete', '/w/a', '']]);
      await etcd.kill();
      await etcd.start();
      await client.put('/w/c', '3');
      await waitFor('the change after the restart', () => seen.length === 4, 15_000);
      assert.deepEqual(seen.map((e) => e.key), ['/w/a', '/w/b', '/w/a', '/w/c'], 'nothing lost, nothing twice');
    } finally {
      watch.close();
    }
  });
});
