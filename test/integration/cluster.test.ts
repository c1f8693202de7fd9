import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEtcdCluster, type EtcdCluster } from '../harness/etcd.js';
import { freePort } from '../harness/free-port.js';
import { nms, type Nms } from '../harness/nms.js';
import { startSnmpd, type Snmpd } from '../harness/snmpd.js';
import { startSnmptrapd, type Snmptrapd } from '../harness/snmptrapd.js';
import { startStevedore, type RunningStevedore } from '../harness/stevedore.js';
import { tempDir, type TempDir } from '../harness/temp-dir.js';
import { waitFor } from '../harness/wait-for.js';

const TIMEOUT = { timeout: 180_000 };
const CLUSTER = 'c1';
const hostPrefix = (host: string): string => `/tallyman/v1/${CLUSTER}/hosts/${host}/`;
/** tallymanClusterHostLost and tallymanClusterHostBack, as snmptrapd -On prints them. */
const HOST_LOST = '1.3.6.1.4.1.8072.9999.8990.0.4';
const HOST_BACK = '1.3.6.1.4.1.8072.9999.8990.0.5';

describe('stevedores sharing their registries through a real 3-member etcd', TIMEOUT, () => {
  let dir: TempDir;
  let etcd: EtcdCluster;
  const running: RunningStevedore[] = [];

  const member = (host: string, extra = ''): string =>
    `service DB;\nservice web { expire 30s; }\netcd-endpoints ${etcd.endpoints.join(' ')};\ncluster-name ${CLUSTER};\ncluster-host ${host};\n${extra}`;
  const extras = new Map<string, string>();
  const start = async (host: string, extra = ''): Promise<RunningStevedore> => {
    extras.set(host, extra);
    const s = await startStevedore(dir, member(host, extra), { name: host });
    running.push(s);
    return s;
  };
  /** Every key of a host with its JSON value and its modification revision. */
  const published = async (host: string): Promise<Map<string, { value: Record<string, unknown>; rev: number }>> => {
    const json = JSON.parse(await etcd.ctl(['get', hostPrefix(host), '--prefix', '-w', 'json'])) as { kvs?: { key: string; value: string; mod_revision: number }[] };
    const text = (b64: string): string => Buffer.from(b64, 'base64').toString('utf8');
    return new Map((json.kvs ?? []).map((kv) => [text(kv.key).slice(hostPrefix(host).length), { value: JSON.parse(text(kv.value)) as Record<string, unknown>, rev: kv.mod_revision }]));
  };

  let view: RunningStevedore;
  let trapd: Snmptrapd;
  let snmpd: Snmpd;
  let tools: Nms;
  let snmpAgent: string;
  /** The notifications snmptrapd logged whose trap OID is `trap`, each as its log text. */
  const trapsOf = (trap: string): string[] => trapd.records().filter((r) => r.includes(`= OID: .${trap}\t`));
  /** The view's GET /v1/cluster. */
  const clusterOf = async (): Promise<{ connection: { state: string }; hosts: { host: string; state: string; instances: number; counts: Record<string, number> }[] }> =>
    (await view.get('/v1/cluster')).body as never;
  const instancesAt = async (service: string): Promise<{ host: string; instance: string; state: string; reason: string | null; output: string }[]> =>
    ((await view.get(`/v1/cluster/services/${service}`)).body as { instances: never[] }).instances;
  const hostStates = async (): Promise<string> => (await clusterOf()).hosts.map((h) => `${h.host}:${h.state}`).join(' ');
  /** The view's log lines that say a host was lost. */
  const lostLines = (): string[] => view.logLines().filter((l) => l.state === 'lost').map((l) => String(l.host));

  before(async () => {
    dir = tempDir('cluster');
    etcd = await startEtcdCluster(dir.path, 3);
    trapd = await startSnmptrapd(dir);
    snmpd = await startSnmpd(dir.path, { config: [`trap2sink 127.0.0.1:${trapd.port} public`] });
    tools = nms(dir);
    const snmpPort = await freePort();
    snmpAgent = `udp:127.0.0.1:${snmpPort}`;
    view = await start('v', `cluster-view yes;\nstate-file v.state;\nsnmp-listen 127.0.0.1:${snmpPort};\nsnmp-trap-sink 127.0.0.1:${trapd.port};\nagentx-socket ${snmpd.agentx};\nagentx-ping-interval 1s;\n`);
  });
  after(async () => {
    for (const s of running) await s.process.stop();
    await snmpd?.stop();
    await trapd?.process.stop();
    await etcd?.stopAll();
    dir?.remove();
  });

  test('a host publishes every instance with its state under one lease, and writes state changes only', async () => {
    assert.ok(view.logLines().some((l) => l.msg === `cluster: ${CLUSTER} as v, with the view of every host (this registry shared through etcd)`), 'the start-up line names the cluster');
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
    // Its keys vanished with the lease: the view saw it lost, then back.
    await waitFor('h1 back at the view', async () => (await hostStates()).includes('h1:up'));
    assert.deepEqual(lostLines(), ['h1']);
  });

  test('the view shows every host\'s instances through the JSON API', async () => {
    const h2 = await start('h2', 'state-file h2.state;\n');
    assert.equal(await h2.post({ service: 'DB', hostname: 'a2', exitCode: 1, stdout: 'disk full' }), 204);
    assert.equal(await h2.post({ service: 'web', hostname: 'w2', exitCode: 0 }), 204);
    assert.equal(await view.post({ service: 'DB', hostname: 'a3', exitCode: 0 }), 204);
    const db = await waitFor('DB on h1, h2 and v at the view', async () => {
      const list = await instancesAt('DB');
      return list.length === 4 ? list : null;
    });
    assert.deepEqual(db.map((i) => [i.host, i.instance, i.state, i.reason]), [
      ['h1', 'a1', 'ok', null], ['h1', 'b1', 'ok', null], ['h2', 'a2', 'failing', null], ['v', 'a3', 'ok', null],
    ]);
    assert.equal(db[2]!.output, 'disk full');
    const cluster = await clusterOf();
    assert.equal(cluster.connection.state, 'watching');
    assert.deepEqual(cluster.hosts.map((h) => [h.host, h.state, h.instances, h.counts]), [
      ['h1', 'up', 2, { ok: 2, starting: 0, failing: 0, stale: 0 }], ['h2', 'up', 2, { ok: 1, starting: 0, failing: 1, stale: 0 }], ['v', 'up', 1, { ok: 1, starting: 0, failing: 0, stale: 0 }],
    ]);
    // A state change at a host reaches the view.
    await h2.post({ service: 'DB', hostname: 'a2', exitCode: 0 });
    await waitFor('a2 ok at the view', async () => (await instancesAt('DB')).find((i) => i.instance === 'a2')?.state === 'ok');
    assert.equal((await view.get('/v1/cluster/services/a%2Fb')).status, 400);

    // The same view through SNMP, as an NMS walks it.
    // Rows in index order: a string index begins with its length, so host v comes first.
    const hostTable = await tools.run('snmptable', snmpAgent, ['TALLYMAN-MIB::tallymanClusterHostTable'], ['-Cf', '|', '-CH', '-Ci']);
    assert.equal(hostTable.code, 0, hostTable.stderr.toString());
    assert.deepEqual(hostTable.stdout.toString().trim().split('\n').map((l) => l.split('|').filter((_, i) => i !== 2).join('|')), [
      '"v"|up|1|1|0|0', '"h1"|up|2|2|0|0', '"h2"|up|2|2|0|0',
    ]);
    const instanceTable = await tools.run('snmptable', snmpAgent, ['TALLYMAN-MIB::tallymanClusterInstanceTable'], ['-Cf', '|', '-CH', '-Ci']);
    assert.equal(instanceTable.code, 0, instanceTable.stderr.toString());
    const rows = instanceTable.stdout.toString().trim().split('\n').map((l) => l.split('|'));
    assert.deepEqual(rows.map((r) => [r[0], r[1], r[4], r[8]]), [
      ['"v"."DB"."a3"', 'ok', '0', 'false'], ['"h1"."DB"."a1"', 'ok', '0', 'false'], ['"h1"."DB"."b1"', 'ok', '0', 'false'], ['"h2"."DB"."a2"', 'ok', '0', 'false'], ['"h2"."web"."w2"', 'ok', '0', 'false'],
    ]);
    // snmpd serves the same view over AgentX.
    await waitFor('the AgentX session registered', async () => ((await view.get('/v1/health')).body as { agentx: { registrations?: { state: string }[] } }).agentx.registrations?.[0]?.state === 'registered');
    for (const table of ['tallymanClusterHostTable', 'tallymanClusterInstanceTable']) {
      const direct = await tools.run('snmptable', snmpAgent, [`TALLYMAN-MIB::${table}`], ['-Cf', '|', '-CH', '-Ci']);
      const viaSnmpd = await tools.run('snmptable', snmpd.agent, [`TALLYMAN-MIB::${table}`], ['-Cf', '|', '-CH', '-Ci']);
      assert.equal(viaSnmpd.stdout.toString(), direct.stdout.toString(), table);
    }
    const cutOff = await tools.run('snmpget', snmpAgent, ['TALLYMAN-MIB::tallymanClusterViewCutOff.0'], ['-Oqv']);
    assert.equal(cutOff.stdout.toString().trim(), 'false');
  });

  test('kill -9: the host is lost at the view, its instances stale with the reason; a restart brings it back', async () => {
    const h1 = running.find((s) => s.configFile.endsWith('h1.conf'))!;
    h1.process.child.kill('SIGKILL');
    await h1.process.stop(1000);
    running.splice(running.indexOf(h1), 1);
    await waitFor('h1 lost at the view', async () => (await hostStates()).includes('h1:lost'), 20_000, 200);
    assert.deepEqual((await instancesAt('DB')).filter((i) => i.host === 'h1').map((i) => [i.instance, i.state, i.reason]), [['a1', 'stale', 'host lost'], ['b1', 'stale', 'host lost']]);
    assert.deepEqual(await etcd.members[0]!.keys(hostPrefix('h1')), []);
    assert.deepEqual(lostLines(), ['h1', 'h1']);
    // Each notification arrives twice: through snmpd (AgentX) and from the embedded agent.
    await waitFor('tallymanClusterHostLost at snmptrapd', () => trapsOf(HOST_LOST).length === 4);
    assert.match(trapsOf(HOST_LOST)[3]!, /\.1\.3\.6\.1\.4\.1\.8072\.9999\.8990\.1\.30\.2\.1\.2\.2\.104\.49 = INTEGER: 3\t.*= STRING: "h1"/);
    const again = await start('h1');
    await again.post({ service: 'web', hostname: 'w1', exitCode: 0 });
    await waitFor('h1 back at the view with its new part', async () => (await hostStates()).includes('h1:up') && (await instancesAt('web')).some((i) => i.host === 'h1'));
    assert.deepEqual((await instancesAt('DB')).filter((i) => i.host === 'h1'), [], 'the instances h1 no longer has are gone with its return');
    assert.ok(view.logLines().some((l) => l.host === 'h1' && l.state === 'up'));
    await waitFor('tallymanClusterHostBack at snmptrapd', () => trapsOf(HOST_BACK).length === 4);
  });

  test('one etcd member killed: nothing lost, nothing stale, changes still flow', async () => {
    const member = etcd.members[1]!;
    await member.kill();
    const h2 = running.find((s) => s.configFile.endsWith('h2.conf'))!;
    await h2.post({ service: 'web', hostname: 'w2', exitCode: 4 });
    await waitFor('w2 failing at the view', async () => (await instancesAt('web')).find((i) => i.instance === 'w2')?.state === 'failing');
    // Longer than a lease's TTL with the member gone.
    await new Promise((resolve) => setTimeout(resolve, 11_000));
    assert.equal(await hostStates(), 'h1:up h2:up v:up');
    assert.deepEqual((await instancesAt('DB')).map((i) => i.state).filter((s) => s === 'stale'), []);
    assert.deepEqual(lostLines(), ['h1', 'h1']);
    await member.start();
  });

  test('etcd stopped for longer than the TTL: the view says it is cut off, loses no host, and every host publishes again', async () => {
    await etcd.stopAll();
    await waitFor('the view cut off', async () => (await clusterOf()).connection.state === 'cut-off', 15_000, 200);
    const health = (await view.get('/v1/health')).body as { cluster: { view: { state: string } } };
    assert.equal(health.cluster.view.state, 'cut-off');
    assert.equal((await tools.run('snmpget', snmpAgent, ['TALLYMAN-MIB::tallymanClusterViewCutOff.0'], ['-Oqv'])).stdout.toString().trim(), 'true');
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    assert.equal(await hostStates(), 'h1:up h2:up v:up', 'the last view, as it was');
    await etcd.startAll();
    await waitFor('the view watching again', async () => (await clusterOf()).connection.state === 'watching', 20_000, 200);
    for (const host of ['h1', 'h2', 'v']) await waitFor(`${host} published again`, async () => (await etcd.members[0]!.keys(hostPrefix(host))).length >= 2, 20_000, 200);
    // Leases revived by the restart run out within their TTL: whatever still hung on them would vanish now.
    await new Promise((resolve) => setTimeout(resolve, 11_000));
    assert.equal(await hostStates(), 'h1:up h2:up v:up');
    assert.deepEqual(lostLines(), ['h1', 'h1'], 'no host lost during the outage');
    assert.equal(trapsOf(HOST_LOST).length, 4);
    assert.equal((await instancesAt('web')).length, 2);
  });

  test('every stevedore restarted at once: the view converges', async () => {
    const hosts = running.map((s) => s.configFile.match(/([^/]+)\.conf$/)![1]!);
    await Promise.all(running.map((s) => s.process.stop()));
    running.length = 0;
    await Promise.all(hosts.map((host) => start(host, extras.get(host))));
    view = running.find((s) => s.configFile.endsWith('v.conf'))!;
    await waitFor('all hosts up with their saved instances', async () => {
      const c = await clusterOf();
      return c.connection.state === 'watching' && (await hostStates()) === 'h1:up h2:up v:up' && c.hosts.find((h) => h.host === 'h2')?.instances === 2 && c.hosts.find((h) => h.host === 'v')?.instances === 1;
    }, 20_000, 200);
  });
});
