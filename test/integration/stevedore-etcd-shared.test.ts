import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startEtcd, type Etcd } from '../harness/etcd.js';
import { startStevedore, type RunningStevedore } from '../harness/stevedore.js';
import { tempDir, type TempDir } from '../harness/temp-dir.js';
import { waitFor } from '../harness/wait-for.js';

const TIMEOUT = { timeout: 120_000 };
const HOST = '/tallyman/v1/c1/hosts/h1/';

/** A lease as `etcdctl lease timetolive --keys` shows it. */
interface Lease {
  id: string;
  grantedTtl: number;
  keys: string[];
}

describe('stevedore with both the etcd sink and the cluster on, against a real etcd', TIMEOUT, () => {
  let dir: TempDir;
  let etcd: Etcd;
  let stevedore: RunningStevedore;
  const config = (endpoint: string, prefix: string, view: 'yes' | 'no'): string =>
    `service DB;\netcd-endpoints ${endpoint};\netcd-prefix ${prefix};\netcd-ttl 6s;\ncluster-name c1;\ncluster-host h1;\ncluster-view ${view};\n`;

  /** Every lease etcd holds, with its keys. */
  const leases = async (): Promise<Lease[]> => {
    const ids = (await etcd.ctl(['lease', 'list'])).split('\n').slice(1).map((l) => l.trim()).filter(Boolean);
    const found: Lease[] = [];
    for (const id of ids) {
      const text = await etcd.ctl(['lease', 'timetolive', id, '--keys']);
      const ttl = /granted with TTL\((\d+)s\)/.exec(text);
      if (ttl === null) continue; // expired meanwhile
      const keys = /attached keys\(\[(.*)\]\)/.exec(text)?.[1]?.split(' ').filter(Boolean) ?? [];
      found.push({ id, grantedTtl: Number(ttl[1]), keys: keys.sort() });
    }
    return found.sort((a, b) => a.grantedTtl - b.grantedTtl);
  };
  const health = async (): Promise<{ etcd: { state: string; connection: string; prefix: string }; cluster: { etcd: string; publisher: { state: string } } }> =>
    (await stevedore.get('/v1/health')).body as never;
  const reloaded = async (text: string): Promise<void> => {
    const count = stevedore.logLines().filter((l) => String(l.msg).startsWith('configuration reloaded')).length;
    stevedore.rewrite(text);
    stevedore.process.child.kill('SIGHUP');
    await waitFor('the reload', async () => stevedore.logLines().filter((l) => String(l.msg).startsWith('configuration reloaded')).length > count);
  };
  /** The sink's lease then the cluster's, once each holds exactly the keys it should. */
  const settled = async (prefix: string): Promise<[Lease, Lease]> =>
    waitFor('one lease for the sink, one for the cluster, each with its keys', async () => {
      const all = await leases();
      const sink = all.find((l) => l.keys.some((k) => k.startsWith(`${prefix}/`)));
      const cluster = all.find((l) => l.keys.some((k) => k.startsWith(HOST)));
      if (sink === undefined || cluster === undefined || sink === cluster) return null;
      const sinkKeys = JSON.stringify(sink.keys) === JSON.stringify([`${prefix}/DB/db-1`]);
      const clusterKeys = JSON.stringify(cluster.keys) === JSON.stringify([`${HOST}host`, `${HOST}instances/DB/db-1`, `${HOST}instances/DB/db-2`]);
      return sinkKeys && clusterKeys ? ([sink, cluster] as [Lease, Lease]) : null;
    }, 15_000);

  before(async () => {
    dir = tempDir('etcd-shared');
    etcd = await startEtcd(dir.path);
    stevedore = await startStevedore(dir, config(etcd.endpoint, '/SERVICE', 'yes'));
    assert.equal(await stevedore.post({ service: 'DB', hostname: 'db-1', exitCode: 0 }), 204);
    assert.equal(await stevedore.post({ service: 'DB', hostname: 'db-2', exitCode: 2 }), 204);
  });
  after(async () => {
    await stevedore?.process.stop();
    await etcd?.stop();
    dir?.remove();
  });

  test('etcd sees two leases from this stevedore, each with its own keys and TTL, and both health sections show the one connection', async () => {
    const [sink, cluster] = await settled('/SERVICE');
    assert.deepEqual((await leases()).map((l) => l.id), [sink.id, cluster.id], 'no other lease');
    assert.deepEqual([sink.grantedTtl, cluster.grantedTtl], [6, 10]);
    const shown = await health();
    assert.deepEqual([shown.etcd.state, shown.etcd.connection, shown.cluster.publisher.state, shown.cluster.etcd], ['publishing', 'reachable', 'published', 'reachable']);
  });

  test("a reload that changes only the sink's prefix moves the sink's keys and leaves the cluster's lease alone", async () => {
    const [, cluster] = await settled('/SERVICE');
    const revision = (await etcd.ctl(['get', `${HOST}host`, '-w', 'json'])).match(/"mod_revision":(\d+)/)?.[1];
    await reloaded(config(etcd.endpoint, '/DISCOVERY', 'yes'));
    const [sink, clusterAfter] = await settled('/DISCOVERY');
    assert.equal(clusterAfter.id, cluster.id, 'the same cluster lease');
    assert.equal((await etcd.ctl(['get', `${HOST}host`, '-w', 'json'])).match(/"mod_revision":(\d+)/)?.[1], revision, 'the cluster wrote nothing');
    assert.deepEqual(await etcd.keys('/SERVICE/'), [], 'the old prefix is empty at once: the old lease was revoked');
    assert.deepEqual((await leases()).map((l) => l.id), [sink.id, cluster.id]);
  });

  test("a reload that changes only the cluster's settings leaves the sink's lease and keys alone", async () => {
    const [sink] = await settled('/DISCOVERY');
    const revision = (await etcd.ctl(['get', '/DISCOVERY/DB/db-1', '-w', 'json'])).match(/"mod_revision":(\d+)/)?.[1];
    await reloaded(config(etcd.endpoint, '/DISCOVERY', 'no'));
    assert.deepEqual((await stevedore.get('/v1/cluster')).status, 404, 'the view is off');
    const [sinkAfter] = await settled('/DISCOVERY');
    assert.equal(sinkAfter.id, sink.id, 'the same sink lease');
    assert.equal((await etcd.ctl(['get', '/DISCOVERY/DB/db-1', '-w', 'json'])).match(/"mod_revision":(\d+)/)?.[1], revision, 'the sink wrote nothing');
  });

  test('a reload that changes etcd-endpoints moves both to the new connection', async () => {
    const [sink, cluster] = await settled('/DISCOVERY');
    await reloaded(config(`localhost:${etcd.port}`, '/DISCOVERY', 'no'));
    const [sinkAfter, clusterAfter] = await waitFor('both on fresh leases', async () => {
      const [s, c] = await settled('/DISCOVERY');
      return s.id !== sink.id && c.id !== cluster.id ? [s, c] : null;
    }, 15_000);
    assert.notEqual(sinkAfter.id, clusterAfter.id);
    const shown = await health();
    assert.deepEqual([shown.etcd.connection, shown.cluster.etcd, shown.cluster.publisher.state], ['reachable', 'reachable', 'published']);
  });

  test('etcd refusing connections and no instance ok: the sink says unreachable as the connection does, never publishing', async () => {
    const refusedDir = tempDir('etcd-refused');
    const refused = await startStevedore(refusedDir, 'service DB;\netcd-endpoints 127.0.0.1:9;\ncluster-name c1;\n');
    try {
      type Shown = { etcd: { state: string; connection: string; lastError?: string }; cluster: { publisher: { state: string } } };
      const shown = await waitFor('the cluster publisher cut off', async () => {
        const h = (await refused.get('/v1/health')).body as Shown;
        return h.cluster.publisher.state === 'cut-off' ? h : null;
      }, 15_000);
      assert.deepEqual([shown.etcd.state, shown.etcd.connection], ['unreachable', 'unreachable']);
      assert.match(shown.etcd.lastError ?? '', /^etcd is unreachable \(127\.0\.0\.1:9: .*ECONNREFUSED/);
      const said = refused.logLines().map((l) => String(l.msg));
      assert.deepEqual(said.filter((m) => m.includes('publishing')), [], said.join('\n'));
      assert.equal(said.filter((m) => m.startsWith('etcd is unreachable')).length, 1, said.join('\n'));
    } finally {
      await refused.process.stop();
      refusedDir.remove();
    }
  });

  test('etcd stopped and started again: the sink and the cluster show the one connection the same at every moment, and both publish again', async () => {
    const samples: string[] = [];
    const sample = async (): Promise<{ etcd: { state: string }; cluster: { publisher: { state: string } } }> => {
      const shown = await health();
      samples.push(`${shown.etcd.connection}/${shown.cluster.etcd}`);
      return shown;
    };
    await etcd.stop();
    await waitFor('both see etcd unreachable', async () => {
      const shown = await sample();
      return shown.etcd.state === 'unreachable' && shown.cluster.publisher.state === 'cut-off';
    }, 15_000, 50);
    await etcd.start();
    await waitFor('both publishing again', async () => {
      const shown = await sample();
      return shown.etcd.state === 'publishing' && shown.cluster.publisher.state === 'published';
    }, 15_000, 50);
    await settled('/DISCOVERY');
    assert.deepEqual(samples.filter((s) => s.split('/')[0] !== s.split('/')[1]), [], 'never one state in one section and another in the other');
    assert.ok(samples.includes('unreachable/unreachable') && samples.at(-1) === 'reachable/reachable', samples.join(' '));
  });
});
