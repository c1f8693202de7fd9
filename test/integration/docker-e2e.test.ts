import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDockerd, type Dockerd } from '../harness/dockerd.js';
import { freePort } from '../harness/free-port.js';
import { dbHealthImage } from '../harness/images.js';
import { nms, type Nms } from '../harness/nms.js';
import { startSnmpd, type Snmpd } from '../harness/snmpd.js';
import { startStevedore, type RunningStevedore } from '../harness/stevedore.js';
import { tempDir, type TempDir } from '../harness/temp-dir.js';
import { waitFor } from '../harness/wait-for.js';

// Building the Node image the first time on a fresh engine takes a few seconds; the waits for
// health changes are generous bounds against hangs, not expectations of speed.
const TIMEOUT = { timeout: 300_000 };
const CHANGE_MS = 60_000;

describe('real containers report to stevedore, and an NMS sees them through snmpd', TIMEOUT, () => {
  let dir: TempDir;
  let dockerd: Dockerd;
  let snmpd: Snmpd;
  let stevedore: RunningStevedore;
  let tools: Nms;
  let dbImage: string;
  /** The two DB containers' short ids: each one's hostname, so its instance name. */
  let first: string;
  let second: string;

  /** Instance name -> state, from snmptable of tallymanInstanceTable for service DB. */
  const instanceStates = async (): Promise<Map<string, string>> => {
    const r = await tools.run('snmptable', snmpd.agent, ['TALLYMAN-MIB::tallymanInstanceTable'], ['-Cf', '|', '-Ci']);
    assert.equal(r.code, 0, r.stderr.toString());
    const rows = r.stdout.toString().split('\n').filter((l) => l.startsWith('"DB".'));
    return new Map(rows.map((l) => [/^"DB"\."([^"]*)"/.exec(l)![1]!, l.split('|')[1]!]));
  };
  /** Service DB's state from snmptable of tallymanServiceTable. */
  const serviceState = async (): Promise<string | undefined> => {
    const r = await tools.run('snmptable', snmpd.agent, ['TALLYMAN-MIB::tallymanServiceTable'], ['-Cf', '|', '-Ci']);
    assert.equal(r.code, 0, r.stderr.toString());
    return r.stdout.toString().split('\n').find((l) => l.startsWith('"DB"|'))?.split('|')[1];
  };
  const sameStates = (got: Map<string, string>, want: Record<string, string>): boolean =>
    got.size === Object.keys(want).length && Object.entries(want).every(([k, v]) => got.get(k) === v);
  const startDb = async (): Promise<string> => (await dockerd.dockerOk(['run', '--detach', dbImage])).slice(0, 12);

  before(async () => {
    dir = tempDir('docker-e2e');
    dockerd = await startDockerd();
    dbImage = await dbHealthImage(dockerd);
    snmpd = await startSnmpd(dir.path);
    tools = nms(dir);
    const port = await freePort();
    // Without docker-socket stevedore cannot know that a container is gone: its row leaves
    // only after ttl (no report: stale) plus expire (stale: removed). Short ones keep the test
    // short; ttl stays above a few 1 s check intervals so that a slow check is not taken for
    // a dead container. The Docker-events variant removes the row at once.
    stevedore = await startStevedore(
      dir,
      `listen 127.0.0.1:${port}; listen ${dockerd.gateway}:8990;
       agentx-socket ${snmpd.agentx}; agentx-ping-interval 1s;
       service DB { ttl 3s; expire 2s; }`,
      { port },
    );
  });

  after(async () => {
    const cleanups = [() => stevedore?.process.stop(), () => snmpd?.stop(), () => dockerd?.close()];
    const errors: unknown[] = [];
    for (const cleanup of cleanups) await cleanup().catch((e: unknown) => errors.push(e));
    dir?.remove();
    if (errors.length > 0) throw new AggregateError(errors, 'cleanup failed');
  });

  test('the tallyman image runs tallyman on the Node runtime copied into it', async () => {
    assert.match(await dockerd.dockerOk(['run', '--rm', '--network', 'none', dbImage, 'tallyman', '--version']), /^tallyman \d+\.\d+\.\d+/);
  });

  test('two DB containers: snmptable shows both instances ok and the service ok', async () => {
    first = await startDb();
    second = await startDb();
    await waitFor('both instances ok', async () => sameStates(await instanceStates(), { [first]: 'ok', [second]: 'ok' }), CHANGE_MS, 250);
    assert.equal(await serviceState(), 'ok');
  });

  test('the check fails in one: that instance failing, the service degraded, docker inspect unhealthy', async () => {
    await dockerd.dockerOk(['exec', first, 'rm', '/tmp/ok']);
    await waitFor('the first instance failing, the second ok', async () => sameStates(await instanceStates(), { [first]: 'failing', [second]: 'ok' }), CHANGE_MS, 250);
    assert.equal(await serviceState(), 'degraded');
    await waitFor('docker to call the first container unhealthy', async () => (await dockerd.inspect(first, '{{.State.Health.Status}}')) === 'unhealthy', CHANGE_MS, 250);
    // The instance name is the container's hostname: the row and Docker speak of one container.
    assert.equal(await dockerd.inspect(first, '{{.Config.Hostname}}'), first);
    assert.equal(await dockerd.inspect(second, '{{.State.Health.Status}}'), 'healthy');
  });

  test('the failing container stopped and removed: its row is gone (after ttl and expire)', async () => {
    await dockerd.dockerOk(['stop', first]);
    await dockerd.dockerOk(['rm', first]);
    await waitFor('only the second instance left', async () => sameStates(await instanceStates(), { [second]: 'ok' }), CHANGE_MS, 250);
    assert.equal(await serviceState(), 'ok');
  });

  test('the other stopped too: the service ends unknown', async () => {
    await dockerd.dockerOk(['stop', second]);
    await waitFor('service DB unknown', async () => (await serviceState()) === 'unknown', CHANGE_MS, 250);
    assert.equal((await instanceStates()).size, 0);
  });

  test('dockerd restarted under stevedore: containers report again on the same bridge address', async () => {
    const third = await startDb();
    await waitFor('the third instance ok', async () => (await instanceStates()).get(third) === 'ok', CHANGE_MS, 250);
    await dockerd.restart();
    // Without --live-restore the engine stops its containers when it stops.
    assert.equal(await dockerd.inspect(third, '{{.State.Running}}'), 'false');
    await dockerd.dockerOk(['start', third]);
    const fourth = await startDb();
    await waitFor('the restarted and the new container ok', async () => sameStates(await instanceStates(), { [third]: 'ok', [fourth]: 'ok' }), CHANGE_MS, 250);
  });
});
