import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { checkerWebImage, WEB_PERIOD } from '../harness/checker-images.js';
import { startDockerd, type Dockerd } from '../harness/dockerd.js';
import { startEtcd, type Etcd } from '../harness/etcd.js';
import { freePort } from '../harness/free-port.js';
import { nms, type Nms } from '../harness/nms.js';
import { startStevedore, type RunningStevedore } from '../harness/stevedore.js';
import { tempDir, type TempDir } from '../harness/temp-dir.js';
import { waitFor } from '../harness/wait-for.js';

const TIMEOUT = { timeout: 600_000 };
const CHANGE_MS = 60_000;
/** stevedore's lease TTL (etcd-ttl), short so that an outage outlasts it quickly. */
const TTL_SECONDS = 3;

interface InstanceJson {
  hostname: string;
  state: string;
  exitCode: number;
  stdout: string;
  address: string;
  origin: string;
  container: { id: string; name: string } | null;
}

describe('stevedore with docker-checks and etcd-endpoints, against a real dockerd and a real etcd', TIMEOUT, () => {
  let dir: TempDir;
  let dockerd: Dockerd;
  let etcd: Etcd;
  let stevedore: RunningStevedore;
  let tools: Nms;
  let snmpAgent: string;
  let web: string;
  /** The web container's short id (its instance's name), its address and Docker's name. */
  let shortId: string;
  let ip: string;

  const instance = async (service: string, hostname: string): Promise<InstanceJson | undefined> => {
    const r = await stevedore.get(`/v1/services/${service}`);
    if (r.status !== 200) return undefined;
    return (r.body as { instances: InstanceJson[] }).instances.find((i) => i.hostname === hostname);
  };
  const instanceState = async (service: string, hostname: string): Promise<string | undefined> => (await instance(service, hostname))?.state;
  /** Instance name -> state for SERVICE, as snmptable shows tallymanInstanceTable. */
  const snmpStates = async (service: string): Promise<Map<string, string>> => {
    const r = await tools.run('snmptable', snmpAgent, ['TALLYMAN-MIB::tallymanInstanceTable'], ['-Cf', '|', '-Ci']);
    assert.equal(r.code, 0, r.stderr.toString());
    const rows = r.stdout.toString().split('\n').filter((l) => l.startsWith(`"${service}".`));
    return new Map(rows.map((l) => [/^"[^"]*"\."([^"]*)"/.exec(l)![1]!, l.split('|')[1]!]));
  };
  const present = (key: string) => waitFor(`${key} in etcd`, async () => etcd.get(key), CHANGE_MS, 100);
  const absent = (key: string) => waitFor(`${key} gone from etcd`, async () => (await etcd.get(key)) === null, CHANGE_MS, 100);
  const post = (hostname: string, exitCode: number) => stevedore.post({ service: 'DB', hostname, exitCode, stdout: `exit ${exitCode}` });
  /** etcd's revision: it grows with every write, and not with lease renewals. */
  const revision = async (): Promise<number> => Number((JSON.parse(await etcd.ctl(['get', '/', '--prefix', '--keys-only', '-w', 'json'])) as { header: { revision: string } }).header.revision);
  const health = async (): Promise<{ state: string; keys: number; endpoints: string[]; lastError?: string }> =>
    ((await stevedore.get('/v1/health')).body as { etcd: { state: string; keys: number; endpoints: string[]; lastError?: string } }).etcd;

  before(async () => {
    dir = tempDir('stevedore-etcd');
    dockerd = await startDockerd();
    etcd = await startEtcd(dir.path);
    web = await checkerWebImage(dockerd);
    tools = nms(dir);
    const snmpPort = await freePort();
    snmpAgent = `udp:127.0.0.1:${snmpPort}`;
    stevedore = await startStevedore(
      dir,
      `service DB;
       docker-socket ${dockerd.socket}; verify-source no; docker-checks yes;
       etcd-endpoints ${etcd.endpoint}; etcd-ttl ${TTL_SECONDS}s;
       snmp-listen 127.0.0.1:${snmpPort};`,
    );
  });

  after(async () => {
    const errors: unknown[] = [];
    for (const cleanup of [() => stevedore?.process.stop(), () => etcd?.stop(), () => dockerd?.close()]) await cleanup().catch((e: unknown) => errors.push(e));
    dir?.remove();
    if (errors.length > 0) throw new AggregateError(errors, 'cleanup failed');
  });

  test('a checked container is an instance of service IMAGENAME, the same in the JSON API, in snmptable and in etcd', async () => {
    const id = await dockerd.dockerOk(['run', '--detach', '--name', 'web-1', web]);
    shortId = id.slice(0, 12);
    ip = await dockerd.inspect('web-1', '{{.NetworkSettings.IPAddress}}');
    const ok = await waitFor('the web container checked ok', async () => ((await instanceState('checker-web', shortId)) === 'ok' ? instance('checker-web', shortId) : undefined), CHANGE_MS, 100);
    assert.deepEqual(
      { origin: ok.origin, address: ok.address, exitCode: ok.exitCode, stdout: ok.stdout, container: ok.container?.name },
      { origin: 'checker', address: ip, exitCode: 0, stdout: `http://${ip}:80/ok says ok`, container: 'web-1' },
    );
    assert.equal((await stevedore.get('/v1/services/checker-web')).status, 200, 'the undeclared service was created');
    assert.equal((await snmpStates('checker-web')).get(shortId), 'ok');
    assert.equal(await present(`/SERVICE/checker-web/${shortId}`), `{"IP":"${ip}","Name":"/web-1","Ports":[{"IP":"","PrivatePort":0,"PublicPort":80,"Type":"tcp"}]}`);
  });

  test('a failing check makes the instance failing and deletes its key; a repair brings both back', async () => {
    const key = `/SERVICE/checker-web/${shortId}`;
    await dockerd.dockerOk(['exec', 'web-1', 'rm', '/www/ok']);
    await waitFor('the instance failing', async () => (await instanceState('checker-web', shortId)) === 'failing', CHANGE_MS, 100);
    const failing = await instance('checker-web', shortId);
    assert.deepEqual([failing?.exitCode, failing?.stdout], [1, `no page at http://${ip}:80/ok`]);
    await absent(key);
    assert.equal((await snmpStates('checker-web')).get(shortId), 'failing');
    await dockerd.dockerOk(['exec', 'web-1', 'sh', '-c', 'echo ok > /www/ok']);
    await present(key);
    assert.equal(await instanceState('checker-web', shortId), 'ok');
  });

  test("a tallyman report for a declared service is published while ok, with the report's address and hostname, and deleted when failing", async () => {
    assert.equal(await post('db-1', 0), 204);
    assert.equal(await present('/SERVICE/DB/db-1'), '{"IP":"127.0.0.1","Name":"db-1","Ports":[]}');
    assert.equal(await post('db-1', 2), 204);
    await absent('/SERVICE/DB/db-1');
    assert.equal(await post('db-1', 0), 204);
    await present('/SERVICE/DB/db-1');
  });

  test('steady state: reports and passing checks of ok instances write nothing to etcd', async () => {
    const before = await revision();
    for (let i = 0; i < 5; i++) {
      assert.equal(await post('db-1', 0), 204);
      await sleep(WEB_PERIOD * 1000);
    }
    const checks = (await instance('checker-web', shortId))?.state;
    assert.equal(checks, 'ok');
    assert.equal(await revision(), before, 'no new revision for reports and checks that change nothing');
    assert.deepEqual((await etcd.keys('/SERVICE/')).sort(), ['/SERVICE/DB/db-1', `/SERVICE/checker-web/${shortId}`]);
  });

  test('etcd stopped longer than the TTL and started again: the keys are back, none for an instance that went failing meanwhile', async () => {
    assert.equal(await post('db-2', 0), 204);
    await present('/SERVICE/DB/db-2');
    await etcd.stop();
    await waitFor('stevedore sees etcd unreachable', async () => (await health()).state === 'unreachable', CHANGE_MS, 100);
    assert.equal(await post('db-2', 1), 204);
    await sleep((TTL_SECONDS + 2) * 1000);
    await etcd.start();
    await waitFor('stevedore publishing again', async () => (await health()).state === 'publishing', CHANGE_MS, 100);
    assert.deepEqual((await etcd.keys('/SERVICE/')).sort(), ['/SERVICE/DB/db-1', `/SERVICE/checker-web/${shortId}`]);
    const shown = await health();
    assert.deepEqual([shown.keys, shown.endpoints, shown.lastError], [2, [etcd.endpoint], undefined]);
  });

  test('a stopped container goes stale and its key goes; a removed one leaves the registry', async () => {
    await dockerd.dockerOk(['stop', 'web-1']);
    await waitFor('the instance stale', async () => (await instanceState('checker-web', shortId)) === 'stale', CHANGE_MS, 100);
    await absent(`/SERVICE/checker-web/${shortId}`);
    await dockerd.dockerOk(['rm', 'web-1']);
    await waitFor('the instance removed', async () => (await instance('checker-web', shortId)) === undefined, CHANGE_MS, 100);
    assert.equal((await snmpStates('checker-web')).has(shortId), false);
  });

  test('SIGTERM revokes the lease: the keys are gone at once', async () => {
    await dockerd.dockerOk(['run', '--detach', '--name', 'web-2', web]);
    const second = (await dockerd.inspect('web-2', '{{.Id}}')).slice(0, 12);
    await present(`/SERVICE/checker-web/${second}`);
    assert.deepEqual((await etcd.keys('/SERVICE/')).sort(), ['/SERVICE/DB/db-1', `/SERVICE/checker-web/${second}`]);
    const exit = await stevedore.process.stop();
    assert.equal(exit.code, 0);
    assert.deepEqual(await etcd.keys('/SERVICE/'), []);
  });
});
