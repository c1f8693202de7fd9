import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEtcdCluster, type EtcdCluster } from '../harness/etcd.js';
import { startStevedore, type RunningStevedore } from '../harness/stevedore.js';
import { tempDir, type TempDir } from '../harness/temp-dir.js';
import { waitFor } from '../harness/wait-for.js';

const TIMEOUT = { timeout: 180_000 };
const CLUSTER = 'c1';
const hostPrefix = (host: string): string => `/tallyman/v1/${CLUSTER}/hosts/${host}/`;

describe('stevedores sharing their registries through a real 3-member etcd', TIMEOUT, () => {
  let dir: TempDir;
  let etcd: EtcdCluster;
  const running: RunningStevedore[] = [];

  const member = (host: string, extra = ''): string =>
    `service DB;\nservice web { expire 30s; }\netcd-endpoints ${etcd.endpoints.join(' ')};\ncluster-name ${CLUSTER};\ncluster-host ${host};\n${extra}`;
  const start = async (host: string, extra = '', port?: number): Promise<RunningStevedore> => {
    const s = await startStevedore(dir, member(host, extra), { name: host, ...(port !== undefined && { port }) });
    running.push(s);
    return s;
  };
  /** Every key of a host with its JSON value and its modification revision. */
  const published = async (host: string): Promise<Map<string, { value: Record<string, unknown>; rev: number }>> => {
    const json = JSON.parse(await etcd.ctl(['get', hostPrefix(host), '--prefix', '-w', 'json'])) as { kvs?: { key: string; value: string; mod_revision: number }[] };
    const text = (b64: string): string => Buffer.from(b64, 'base64').toString('utf8');
    return new Map((json.kvs ?? []).map((kv) => [text(kv.key).slice(hostPrefix(host).length), { value: JSON.parse(text(kv.value)) as Record<string, unknown>, rev: kv.mod_revision }]));
  };

  before(async () => {
    dir = tempDir('cluster');
    etcd = await startEtcdCluster(dir.path, 3);
  });
  after(async () => {
    for (const s of running) await s.process.stop();
    await etcd?.stopAll();
    dir?.remove();
  });

  test('a host publishes every instance with its state under one lease, and writes state changes only', async () => {
    const h1 = await start('h1');
    assert.equal(await h1.post({ service: 'DB', hostname: 'a1', exitCode: 0, stdout: '\nall good\nmore' }), 204);
    assert.equal(await h1.post({ service: 'DB', hostname: 'b1', exitCode: 3, stderr: 'refused' }), 204);
    const keys = await waitFor('h1 in etcd with both instances', async () => {
      const p = await published('h1');
      return p.has('host') && p.get('instances/DB/a1') && p.get('instances/DB/b1') ? p : null;
    });
    assert.deepEqual([...keys.keys()], ['host', 'instances/DB/a1', 'instances/DB/b1']);
    const a1 = keys.get('instances/DB/a1')!.value;
    assert.equal(a1.state, 'ok');
    assert.equal(a1.output, 'all good');
    assert.equal(a1.exitCode, 0);
    assert.equal(keys.get('instances/DB/b1')!.value.state, 'failing');
    assert.equal(keys.get('instances/DB/b1')!.value.output, 'refused');
    const leases = await Promise.all(['host', 'instances/DB/a1', 'instances/DB/b1'].map((k) => etcd.members[0]!.leaseOf(`${hostPrefix('h1')}${k}`)));
    assert.equal(new Set(leases.map((l) => l?.id)).size, 1, 'one lease for the whole host');
    assert.equal(leases[0]?.grantedTtl, 10);

    // Reports that change no state write nothing; a state change is written.
    for (let i = 0; i < 20; i++) await h1.post({ service: 'DB', hostname: 'a1', exitCode: 0, stdout: `report ${i}` });
    await h1.post({ service: 'DB', hostname: 'b1', exitCode: 0, stdout: 'back' });
    const after = await waitFor('b1 ok in etcd', async () => {
      const p = await published('h1');
      return p.get('instances/DB/b1')?.value.state === 'ok' ? p : null;
    });
    assert.equal(after.get('instances/DB/a1')!.rev, keys.get('instances/DB/a1')!.rev, 'a1 was not written again');
    assert.equal(after.get('instances/DB/b1')!.value.output, 'back');
  });

  test('a lease lost under a running stevedore: its part is written again', async () => {
    const lease = await etcd.members[0]!.leaseOf(`${hostPrefix('h1')}host`);
    await etcd.ctl(['lease', 'revoke', lease!.id]);
    const back = await waitFor('h1 written again', async () => {
      const p = await published('h1');
      return p.size === 3 ? p : null;
    }, 15_000);
    assert.equal(back.get('instances/DB/b1')!.value.state, 'ok');
    assert.notEqual((await etcd.members[0]!.leaseOf(`${hostPrefix('h1')}host`))?.id, lease!.id);
  });

  test('kill -9: the host\'s keys vanish with its lease; a restart writes its part again', async () => {
    const h1 = running[0]!;
    h1.process.child.kill('SIGKILL');
    await h1.process.stop(1000);
    running.shift();
    await waitFor('h1 gone from etcd', async () => (await published('h1')).size === 0, 20_000, 200);
    const again = await start('h1');
    await again.post({ service: 'web', hostname: 'w1', exitCode: 0 });
    const p = await waitFor('h1 again', async () => {
      const keys = await published('h1');
      return keys.has('instances/web/w1') ? keys : null;
    });
    assert.deepEqual([...p.keys()], ['host', 'instances/web/w1']);
  });
});
