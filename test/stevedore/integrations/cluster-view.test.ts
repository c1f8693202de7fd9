import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { EtcdClient, KeyValue } from '../../../src/etcd/index.js';
import { hostKey, instanceKey, parseClusterKey } from '../../../src/stevedore/integrations/cluster/keys.js';
import { ClusterView } from '../../../src/stevedore/integrations/cluster/view.js';
import { FakeTime } from '../../harness/fake-time.js';

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const record = (state: string): string => JSON.stringify({ state, stateSince: 1, lastReport: 1, exitCode: state === 'ok' ? 0 : 1, output: state, container: null });

/** etcd as the view uses it: one read, then a watch stream the test feeds by hand (unit test: no etcd). */
function fakeEtcd(initial: KeyValue[]) {
  let onMessage: (m: unknown) => void = () => {};
  let revision = 10;
  let stored = initial;
  const etcd = {
    status: 'reachable',
    readPrefix: async () => ({ kvs: stored, revision }),
    watchStream: (_prefix: string, _from: number, message: (m: unknown) => void) => {
      onMessage = message;
      return { close() {} };
    },
  };
  /** One watch response: the events of one revision. */
  const send = (events: { type: 'PUT' | 'DELETE'; key: string; value?: string }[]): void => {
    revision++;
    onMessage({ header: { revision: String(revision) }, events: events.map((e) => ({ type: e.type, kv: { key: b64(e.key), value: b64(e.value ?? ''), mod_revision: String(revision) } })) });
  };
  /** etcd compacted past the watch's revision, and now holds `kvs`. */
  const compact = (kvs: KeyValue[]): void => {
    stored = kvs;
    revision += 5;
    onMessage({ header: { revision: String(revision) }, compact_revision: String(revision - 1) });
  };
  return { etcd: etcd as unknown as EtcdClient & { status: string }, send, compact };
}

const kv = (key: string, value: string): KeyValue => ({ key, value, lease: '1', modRevision: 5 });

async function started(initial: KeyValue[]) {
  const time = new FakeTime();
  const hosts: string[] = [];
  const { etcd, send, compact } = fakeEtcd(initial);
  const view = new ClusterView(etcd, 'c', time, { expireMs: (service) => (service === 'web' ? 30_000 : 3_600_000), onHost: (host, state) => hosts.push(`${host} ${state}`) });
  view.start();
  await new Promise((resolve) => setImmediate(resolve));
  return { time, hosts, etcd, send, compact, view };
}

describe('the cluster view', () => {
  test('keys name a host record or an instance, nothing else', () => {
    assert.deepEqual(parseClusterKey('c', '/tallyman/v1/c/hosts/h1/host'), { kind: 'host', host: 'h1' });
    assert.deepEqual(parseClusterKey('c', '/tallyman/v1/c/hosts/h1/instances/DB/a1'), { kind: 'instance', host: 'h1', service: 'DB', instance: 'a1' });
    assert.equal(parseClusterKey('c', '/tallyman/v1/c/hosts/h1/other'), null);
    assert.equal(parseClusterKey('c', '/tallyman/v1/d/hosts/h1/host'), null);
  });

  test('a host whose keys vanish is lost, its instances stale with the reason, removed after their service\'s expire', async () => {
    const { time, hosts, send, view } = await started([
      kv(hostKey('c', 'h1'), '{"version":"1.0"}'), kv(instanceKey('c', 'h1', 'DB', 'a'), record('ok')), kv(instanceKey('c', 'h1', 'web', 'w'), record('failing')),
      kv(hostKey('c', 'h2'), '{"version":"1.0"}'),
    ]);
    assert.deepEqual(view.hosts().map((h) => [h.host, h.state, h.version, h.counts]), [['h1', 'up', '1.0', { ok: 1, starting: 0, failing: 1, stale: 0 }], ['h2', 'up', '1.0', { ok: 0, starting: 0, failing: 0, stale: 0 }]]);
    // The lease expired: every key of h1 goes in one revision.
    send([{ type: 'DELETE', key: hostKey('c', 'h1') }, { type: 'DELETE', key: instanceKey('c', 'h1', 'DB', 'a') }, { type: 'DELETE', key: instanceKey('c', 'h1', 'web', 'w') }]);
    assert.deepEqual(hosts, ['h1 lost']);
    assert.deepEqual(view.instancesOnHost('h1').map((i) => [i.service, i.instance, i.state, i.reason]), [['DB', 'a', 'stale', 'host lost'], ['web', 'w', 'stale', 'host lost']]);
    time.advance(30_000);
    assert.deepEqual(view.instancesOnHost('h1').map((i) => i.instance), ['a'], 'web expires after 30 s, DB after the default');
    time.advance(3_600_000);
    assert.deepEqual(view.hosts().map((h) => h.host), ['h2']);
  });

  test('a rewrite (delete and put of the host record in one revision) is no loss; a host back drops what it no longer has', async () => {
    const { hosts, send, view } = await started([kv(hostKey('c', 'h1'), '{}'), kv(instanceKey('c', 'h1', 'DB', 'a'), record('ok'))]);
    send([{ type: 'DELETE', key: instanceKey('c', 'h1', 'DB', 'a') }, { type: 'DELETE', key: hostKey('c', 'h1') }, { type: 'PUT', key: hostKey('c', 'h1'), value: '{}' }]);
    assert.deepEqual(hosts, []);
    assert.deepEqual(view.instancesOnHost('h1'), []);
    send([{ type: 'DELETE', key: hostKey('c', 'h1') }]);
    send([{ type: 'PUT', key: hostKey('c', 'h1'), value: '{}' }, { type: 'PUT', key: instanceKey('c', 'h1', 'DB', 'b'), value: record('failing') }]);
    assert.deepEqual(hosts, ['h1 lost', 'h1 up']);
    assert.deepEqual(view.instancesOf('DB').map((i) => [i.host, i.instance, i.state, i.reason]), [['h1', 'b', 'failing', null]]);
  });

  test('a revision compacted away: the view reads everything again, and goes on from there', async () => {
    const { hosts, compact, view } = await started([kv(hostKey('c', 'h1'), '{}'), kv(instanceKey('c', 'h1', 'DB', 'a'), record('ok'))]);
    compact([kv(hostKey('c', 'h2'), '{}'), kv(instanceKey('c', 'h2', 'DB', 'b'), record('failing'))]);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(view.hosts().map((h) => [h.host, h.state]), [['h1', 'lost'], ['h2', 'up']]);
    assert.deepEqual(hosts, ['h1 lost']);
    assert.deepEqual(view.instancesOf('DB').map((i) => [i.host, i.state]), [['h1', 'stale'], ['h2', 'failing']]);
    assert.equal(view.connection().revision, 15);
  });

  test('cut off from etcd: says so, and keeps the last view', async () => {
    const { view } = await started([kv(hostKey('c', 'h1'), '{}')]);
    assert.equal(view.connection().state, 'watching');
    view.etcdStatus('unreachable');
    assert.equal(view.connection().state, 'cut-off');
    assert.deepEqual(view.hosts().map((h) => [h.host, h.state]), [['h1', 'up']]);
    view.etcdStatus('reachable');
    assert.equal(view.connection().state, 'watching');
  });
});
