import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDockerd, type Dockerd } from '../harness/dockerd.js';
import { freePort } from '../harness/free-port.js';
import { busyboxImage, dbHealthImage, tallymanImage } from '../harness/images.js';
import { nms, type Nms } from '../harness/nms.js';
import { startStevedore, type RunningStevedore } from '../harness/stevedore.js';
import { tempDir, type TempDir } from '../harness/temp-dir.js';
import { waitFor } from '../harness/wait-for.js';

// The waits are generous bounds against hangs, not expectations of speed.
const TIMEOUT = { timeout: 600_000 };
const CHANGE_MS = 60_000;

interface InstanceJson {
  hostname: string;
  state: string;
  stateSince: string;
  exitCode: number;
  stdout: string;
  address: string;
  origin: string;
  reports: number;
  consecutiveFailures: number;
  durationMs: number | null;
  container: { id: string; name: string; image: string } | null;
}
interface ServiceJson {
  name: string;
  state: string;
  stateSince: string;
  counts: Record<string, number>;
  instances: InstanceJson[];
}

/** A container that sleeps until stopped, with /tmp/ok at start unless told otherwise. */
const SLEEPER = (touch: boolean) => ['sh', '-c', `${touch ? 'touch /tmp/ok; ' : ''}trap 'exit 0' TERM; sleep 100000 & wait`];

describe("stevedore reads Docker's own health checks (docker-health)", TIMEOUT, () => {
  let dir: TempDir;
  let dockerd: Dockerd;
  let stevedore: RunningStevedore;
  /** Its configuration, docker-health yes by default with the socket. */
  let statements: string;
  /** The same host with docker-health no. */
  let without: RunningStevedore;
  /** A stevedore with a state file, restarted. */
  let keeper: RunningStevedore | undefined;
  let tools: Nms;
  let agent: string;
  let busybox: string;
  let web: string;

  const services = async (s: RunningStevedore = stevedore): Promise<ServiceJson[]> => {
    const list = (await s.get('/v1/services')).body as ServiceJson[];
    return Promise.all(list.map(async (one) => (await s.get(`/v1/services/${one.name}`)).body as ServiceJson));
  };
  /** Every row of the container (by 12-character id), whatever its service. */
  const rowsOf = async (short: string, s: RunningStevedore = stevedore): Promise<(InstanceJson & { service: string })[]> =>
    (await services(s)).flatMap((svc) => svc.instances.filter((i) => i.container?.id.startsWith(short) || i.hostname === short).map((i) => ({ ...i, service: svc.name })));
  const row = async (service: string, short: string): Promise<InstanceJson | undefined> => {
    const answer = await stevedore.get(`/v1/services/${service}`);
    return answer.status === 200 ? (answer.body as ServiceJson).instances.find((i) => i.hostname === short) : undefined;
  };
  /** The instance's state as snmptable of tallymanInstanceTable shows it. */
  const snmpState = async (service: string, short: string): Promise<string | undefined> => {
    const r = await tools.run('snmptable', agent, ['TALLYMAN-MIB::tallymanInstanceTable'], ['-Cf', '|', '-Ci']);
    assert.equal(r.code, 0, r.stderr.toString());
    return r.stdout.toString().split('\n').find((l) => l.startsWith(`"${service}"."${short}"|`))?.split('|')[1];
  };
  const run = async (args: string[], command: string[]): Promise<string> => (await dockerd.dockerOk(['run', '--detach', ...args, busybox, ...command])).slice(0, 12);

  before(async () => {
    dir = tempDir('docker-health');
    dockerd = await startDockerd();
    busybox = await busyboxImage(dockerd);
    tools = nms(dir);
    const snmpPort = await freePort();
    agent = `127.0.0.1:${snmpPort}`;
    const port = await freePort();
    statements = `listen 127.0.0.1:${port}; listen ${dockerd.gateway}:8990;
       docker-socket ${dockerd.socket}; snmp-listen ${agent};
       ttl 4s; expire 1h;
       service DB; service WEB;`;
    stevedore = await startStevedore(dir, statements, { port });
    without = await startStevedore(dir, `docker-socket ${dockerd.socket}; docker-health no; service DB; service WEB;`, { name: 'without' });
  });

  after(async () => {
    const cleanups = [() => stevedore?.process.stop(), () => without?.process.stop(), async () => void (await keeper?.process.stop()), () => dockerd?.close()];
    const errors: unknown[] = [];
    for (const cleanup of cleanups) await cleanup().catch((e: unknown) => errors.push(e));
    dir?.remove();
    if (errors.length > 0) throw new AggregateError(errors, 'cleanup failed');
  });

  test('a container with --health-cmd and label tallyman.service=WEB, no tallyman: ok in the JSON API and in snmptable, fresh at every probe', async () => {
    web = await run(['--name', 'web-1', '--label', 'tallyman.service=WEB', '--health-cmd', 'test -f /tmp/ok', '--health-interval', '1s'], SLEEPER(true));
    const ok = await waitFor('WEB ok', async () => ((await row('WEB', web))?.state === 'ok' ? row('WEB', web) : false), CHANGE_MS, 100);
    assert.equal(ok?.origin, 'docker-health');
    assert.equal(ok?.exitCode, 0);
    assert.equal(ok?.container?.name, 'web-1');
    assert.notEqual(ok?.durationMs, null);
    await waitFor('snmptable: WEB ok', async () => (await snmpState('WEB', web)) === 'ok', CHANGE_MS, 250);
    // Docker emits health_status only at changes: more reports arrive while it stays healthy.
    const reports = ok!.reports;
    await waitFor('two more probes fed', async () => ((await row('WEB', web))?.reports ?? 0) >= reports + 2, CHANGE_MS, 100);
  });

  test("rm /tmp/ok: failing, with Docker's exit code, output and failing streak", async () => {
    await dockerd.dockerOk(['exec', web, 'rm', '/tmp/ok']);
    const failing = await waitFor('WEB failing', async () => ((await row('WEB', web))?.state === 'failing' ? row('WEB', web) : false), CHANGE_MS, 100);
    assert.equal(failing?.exitCode, 1);
    const log = JSON.parse(await dockerd.inspect(web, '{{json .State.Health}}')) as { FailingStreak: number; Log: { ExitCode: number; Output: string }[] };
    assert.equal(log.Log.at(-1)?.ExitCode, 1);
    assert.equal(failing?.stdout, log.Log.at(-1)?.Output);
    assert.ok((failing?.consecutiveFailures ?? 0) >= 3, `Docker's default --health-retries is 3: ${failing?.consecutiveFailures}`);
    await waitFor('snmptable: WEB failing', async () => (await snmpState('WEB', web)) === 'failing', CHANGE_MS, 250);
    await dockerd.dockerOk(['exec', web, 'touch', '/tmp/ok']);
    await waitFor('WEB ok again', async () => (await row('WEB', web))?.state === 'ok', CHANGE_MS, 100);
  });

  test('starting during --health-start-period, in the JSON API and snmptable', async () => {
    const late = await run(['--label', 'tallyman.service=WEB', '--health-cmd', 'test -f /tmp/ok', '--health-interval', '1s', '--health-start-period', '10m'], SLEEPER(false));
    await waitFor('starting', async () => (await row('WEB', late))?.state === 'starting', CHANGE_MS, 100);
    await waitFor('snmptable: starting', async () => (await snmpState('WEB', late)) === 'starting', CHANGE_MS, 250);
    const counts = ((await stevedore.get('/v1/services/WEB')).body as ServiceJson).counts;
    assert.deepEqual(counts, { instances: 2, ok: 1, starting: 1, failing: 0, stale: 0 });
    await dockerd.dockerOk(['rm', '--force', late]);
    await waitFor('its row removed', async () => (await row('WEB', late)) === undefined, CHANGE_MS, 100);
  });

  test('a Compose-labelled container and an unlabelled one get their services by the rule, created with the defaults', async () => {
    const composed = await run(['--label', 'com.docker.compose.service=front', '--health-cmd', 'true', '--health-interval', '1s'], SLEEPER(true));
    const plain = await run(['--health-cmd', 'true', '--health-interval', '1s'], SLEEPER(true));
    await waitFor('front ok', async () => (await row('front', composed))?.state === 'ok', CHANGE_MS, 100);
    await waitFor('busybox ok', async () => (await row('busybox', plain))?.state === 'ok', CHANGE_MS, 100);
    // The image is tallyman-test/busybox:HASH: IMAGENAME is busybox.
    assert.match(busybox, /\/busybox:/);
    const health = (await stevedore.get('/v1/health')).body as { docker: { dockerHealth: { enabled: boolean; containers: number } } };
    assert.deepEqual(health.docker.dockerHealth, { enabled: true, containers: 3 });
    await dockerd.dockerOk(['rm', '--force', composed, plain]);
    await waitFor('automatic services gone with their containers', async () => (await services()).every((s) => s.name !== 'front' && s.name !== 'busybox'), CHANGE_MS, 100);
  });

  test('docker-health no: none of them', async () => {
    const all = await services(without);
    assert.deepEqual(all.map((s) => s.name), ['DB', 'WEB']);
    assert.deepEqual(all.flatMap((s) => s.instances), []);
    const health = (await without.get('/v1/health')).body as { docker: { dockerHealth: { enabled: boolean } } };
    assert.equal(health.docker.dockerHealth.enabled, false);
  });

  test('a tallyman container with a HEALTHCHECK gives one row, fed by tallyman', async () => {
    const db = (await dockerd.dockerOk(['run', '--detach', await dbHealthImage(dockerd)])).slice(0, 12);
    await waitFor('DB ok from tallyman', async () => (await row('DB', db))?.state === 'ok', CHANGE_MS, 100);
    // Several probes later, still one row, and it is tallyman's.
    const reports = (await row('DB', db))!.reports;
    await waitFor('three more probes', async () => ((await row('DB', db))?.reports ?? 0) >= reports + 3, CHANGE_MS, 100);
    const rows = await rowsOf(db);
    assert.deepEqual(rows.map((r) => [r.service, r.origin]), [['DB', 'report']]);
    await dockerd.dockerOk(['rm', '--force', db]);
  });

  test('docker pause: the row goes stale after the ttl; unpaused, ok again', async () => {
    await dockerd.dockerOk(['pause', web]);
    await waitFor('WEB stale', async () => (await row('WEB', web))?.state === 'stale', CHANGE_MS, 250);
    await dockerd.dockerOk(['unpause', web]);
    await waitFor('WEB ok again', async () => (await row('WEB', web))?.state === 'ok', CHANGE_MS, 100);
  });

  test('dockerd restarted: rows reconciled (stale while stopped, removed when gone, fed again when started)', async () => {
    const gone = await run(['--label', 'tallyman.service=WEB', '--health-cmd', 'true', '--health-interval', '1s'], SLEEPER(true));
    await waitFor('both ok', async () => (await row('WEB', gone))?.state === 'ok' && (await row('WEB', web))?.state === 'ok', CHANGE_MS, 100);
    await dockerd.restart();
    // Without --live-restore the engine stops its containers when it stops.
    await waitFor('both stale', async () => (await row('WEB', gone))?.state === 'stale' && (await row('WEB', web))?.state === 'stale', CHANGE_MS, 250);
    await dockerd.dockerOk(['rm', gone]);
    await dockerd.dockerOk(['start', web]);
    await waitFor('WEB ok again, the removed one gone', async () => (await row('WEB', web))?.state === 'ok' && (await row('WEB', gone)) === undefined, CHANGE_MS, 100);
  });

  test("tallyman hidden in the HEALTHCHECK's script first reports under another name: the row made from Docker's check goes at once", async () => {
    // The script runs tallyman only once /tmp/hidden exists: Docker's check makes the row first.
    const script = 'printf \'#!/bin/sh\\nif [ -f /tmp/hidden ]; then exec tallyman -h db-main DB true; fi\\n\' > /check.sh; chmod +x /check.sh';
    const id = await dockerd.dockerOk(['run', '--detach', '--hostname', 'db-main', '--health-cmd', '/check.sh', '--health-interval', '1s', await tallymanImage(dockerd), 'sh', '-c', `${script}; trap 'exit 0' TERM; sleep 100000 & wait`]);
    const short = id.slice(0, 12);
    await waitFor("Docker's check makes the row", async () => (await row('tallyman', short))?.state === 'ok', CHANGE_MS, 100);
    await dockerd.dockerOk(['exec', short, 'touch', '/tmp/hidden']);
    // expire is 1h: a row left to go stale and expire would still be there.
    await waitFor("one row, tallyman's", async () => JSON.stringify((await rowsOf(short)).map((r) => [r.service, r.hostname, r.origin])) === JSON.stringify([['DB', 'db-main', 'report']]), CHANGE_MS, 100);
    const removal = stevedore.logLines().find((l) => l.hostname === short && l.to === null);
    assert.equal(removal?.cause, 'replaced');
    assert.equal(await snmpState('tallyman', short), undefined);
    await dockerd.dockerOk(['rm', '--force', short]);
  });

  test("restarted with a state file: an automatic service's rows come back with their counters and since-when, a container's with no network too", async () => {
    const config = `docker-socket ${dockerd.socket}; state-file ${dir.file('keeper-state.json')}; ttl 1h; expire 1h; service DB;`;
    keeper = await startStevedore(dir, config, { name: 'keeper' });
    const kept = await run(['--label', 'tallyman.service=kept', '--health-cmd', 'true', '--health-interval', '1s'], SLEEPER(true));
    const isolated = await run(['--network', 'none', '--label', 'tallyman.service=kept', '--health-cmd', 'true', '--health-interval', '1s'], SLEEPER(true));
    const keptRow = async (hostname = kept): Promise<{ service: ServiceJson; row: InstanceJson } | undefined> => {
      const answer = await keeper!.get('/v1/services/kept');
      const service = answer.body as ServiceJson;
      const row = answer.status === 200 ? service.instances.find((i) => i.hostname === hostname) : undefined;
      return row && { service, row };
    };
    const before = await waitFor('five probes in the automatic service', async () => {
      const found = await keptRow();
      return found !== undefined && found.row.state === 'ok' && found.row.reports >= 5 ? found : false;
    }, CHANGE_MS, 100);
    const beforeIsolated = await waitFor('three probes of the container with no network', async () => {
      const found = await keptRow(isolated);
      return found !== undefined && found.row.state === 'ok' && found.row.reports >= 3 ? found.row : false;
    }, CHANGE_MS, 100);
    assert.equal(beforeIsolated.address, '', 'no IP address: empty');
    await keeper.process.stop();
    keeper = await startStevedore(dir, config, { name: 'keeper' });
    // Read at once: the rows come from the file, not from a probe after the start (a new row
    // would count from 1, with the service and the row ok since now).
    const after = await keptRow();
    assert.ok(after, 'the automatic service and its row are there at start');
    assert.equal(after.service.state, 'ok');
    assert.equal(after.service.stateSince, before.service.stateSince);
    assert.equal(after.row.stateSince, before.row.stateSince);
    assert.ok(after.row.reports >= before.row.reports, `reports ${after.row.reports} after ${before.row.reports}`);
    const afterIsolated = (await keptRow(isolated))?.row;
    assert.ok(afterIsolated, 'the row of the container with no network is there at start');
    assert.deepEqual([afterIsolated.address, afterIsolated.stateSince], ['', beforeIsolated.stateSince]);
    assert.ok(afterIsolated.reports >= beforeIsolated.reports, `reports ${afterIsolated.reports} after ${beforeIsolated.reports}`);
    // Every row came back (the host's other containers' too): none left out.
    const restored = keeper.logLines().find((l) => typeof l.msg === 'string' && l.msg.startsWith('state restored'));
    assert.match(String(restored?.msg), /^state restored: [1-9]\d* instances$/);
    await keeper.process.stop();
    keeper = undefined;
    await dockerd.dockerOk(['rm', '--force', kept, isolated]);
  });

  test('a reload to docker-health no removes its rows at once, from the JSON API and snmptable', async () => {
    await waitFor('WEB ok', async () => (await row('WEB', web))?.state === 'ok' && (await snmpState('WEB', web)) === 'ok', CHANGE_MS, 250);
    stevedore.rewrite(`${statements} docker-health no;`);
    stevedore.process.child.kill('SIGHUP');
    // expire is 1h: a row left to go stale and expire would still be there.
    await waitFor('the row removed', async () => (await row('WEB', web)) === undefined, CHANGE_MS, 100);
    assert.equal(await snmpState('WEB', web), undefined);
    const removal = stevedore.logLines().find((l) => l.hostname === web && l.to === null);
    assert.equal(removal?.cause, 'source off');
    assert.equal(removal?.msg, `instance WEB/${web} removed: a reload turned off the source that fed it`);
    const health = (await stevedore.get('/v1/health')).body as { docker: { dockerHealth: { enabled: boolean } } };
    assert.equal(health.docker.dockerHealth.enabled, false);
  });
});
