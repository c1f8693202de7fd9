import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDockerd, type Dockerd } from '../harness/dockerd.js';
import { freePort } from '../harness/free-port.js';
import { dbHealthImage } from '../harness/images.js';
import { startStevedore, type RunningStevedore } from '../harness/stevedore.js';
import { tempDir, type TempDir } from '../harness/temp-dir.js';
import { waitFor } from '../harness/wait-for.js';

const TIMEOUT = { timeout: 300_000 };
const CHANGE_MS = 60_000;

interface Instance {
  hostname: string;
  state: string;
  address: string;
  container: { id: string; name: string; image: string; ipAddresses: string[]; ports: string[] } | null;
}

describe('stevedore following Docker (docker-socket, verify-source)', TIMEOUT, () => {
  let dir: TempDir;
  let dockerd: Dockerd;
  let stevedore: RunningStevedore;
  let dbImage: string;

  const instances = async (): Promise<Map<string, Instance>> => {
    const body = (await stevedore.get('/v1/services/DB')).body as { instances: Instance[] };
    return new Map(body.instances.map((i) => [i.hostname, i]));
  };
  const health = async () => ((await stevedore.get('/v1/health')).body as { docker: { state: string; containers: number; verifySource: boolean } }).docker;
  /** Runs a DB container (with docker run OPTIONS) and waits until its instance is ok; its hostname. */
  const startDb = async (name: string, options: string[] = []): Promise<string> => {
    const id = await dockerd.dockerOk(['run', '--detach', '--name', name, ...options, dbImage]);
    const hostname = (await dockerd.inspect(id, '{{.Config.Hostname}}')).trim();
    await waitFor(`${name} ok`, async () => (await instances()).get(hostname)?.state === 'ok', CHANGE_MS, 200);
    return hostname;
  };

  before(async () => {
    dir = tempDir('docker-events');
    dockerd = await startDockerd();
    dbImage = await dbHealthImage(dockerd);
    const port = await freePort();
    // The default ttl (90 s) and expire (1 h): whatever leaves quickly here leaves by an event.
    // 0.0.0.0:PORT also serves containers on user-defined networks, through their gateways.
    stevedore = await startStevedore(dir, `listen 0.0.0.0:${port}; listen ${dockerd.gateway}:8990; service DB; docker-socket ${dockerd.socket};`, { port });
    await waitFor('stevedore following Docker', async () => (await health()).state === 'following');
  });

  after(async () => {
    const errors: unknown[] = [];
    for (const cleanup of [() => stevedore?.process.stop(), () => dockerd?.close()]) await cleanup().catch((e: unknown) => errors.push(e));
    dir?.remove();
    if (errors.length > 0) throw new AggregateError(errors, 'cleanup failed');
  });

  test('verify-source is on by default with a docker socket', async () => {
    assert.equal((await health()).verifySource, true);
  });

  test('a container started after stevedore is enriched: name, image, address, in the JSON API', async () => {
    const hostname = await startDb('db-enriched', ['--publish', '127.0.0.1:18306:3306']);
    const instance = (await instances()).get(hostname)!;
    const ip = (await dockerd.inspect('db-enriched', '{{.NetworkSettings.IPAddress}}')).trim();
    assert.equal(instance.container?.name, 'db-enriched');
    assert.equal(instance.container?.image, dbImage);
    assert.deepEqual(instance.container?.ipAddresses, [ip]);
    assert.deepEqual(instance.container?.ports, ['127.0.0.1:18306->3306/tcp']);
    assert.equal(instance.address, ip);
  });

  test('a container with its own --hostname is found and enriched too', async () => {
    const hostname = await startDb('db-named', ['--hostname', 'primary-db']);
    assert.equal(hostname, 'primary-db');
    assert.equal((await instances()).get('primary-db')?.container?.name, 'db-named');
  });

  test('die: the instance turns stale at once, not a ttl later', async () => {
    const hostname = await startDb('db-dies');
    await dockerd.dockerOk(['kill', 'db-dies']);
    await waitFor('the instance stale', async () => (await instances()).get(hostname)?.state === 'stale', 15_000, 100);
  });

  test('destroy: the instance is removed at once, not an expire later, and the log says why', async () => {
    const hostname = await startDb('db-destroyed');
    await dockerd.dockerOk(['rm', '--force', 'db-destroyed']);
    await waitFor('the row gone', async () => !(await instances()).has(hostname), 15_000, 100);
    assert.ok(stevedore.logLines().some((l) => l.msg === `instance DB/${hostname} removed: its container was destroyed`));
  });

  test('a container connected to a second network may report from its new address', async () => {
    await dockerd.dockerOk(['network', 'create', 'tallyman-second']);
    try {
      const hostname = await startDb('db-two-networks');
      await dockerd.dockerOk(['network', 'connect', 'tallyman-second', 'db-two-networks']);
      const gateway = (await dockerd.dockerOk(['network', 'inspect', 'tallyman-second', '--format', '{{(index .IPAM.Config 0).Gateway}}'])).trim();
      const r = await dockerd.docker(['exec', 'db-two-networks', 'tallyman', '-d', '-s', `${gateway}:${stevedore.port}`, 'DB', 'true']);
      assert.match(r.stderr.toString(), /collector answered HTTP 204/, r.stderr.toString());
      const instance = (await instances()).get(hostname)!;
      assert.equal(instance.container?.ipAddresses.length, 2);
      assert.ok(instance.container?.ipAddresses.includes(instance.address));
    } finally {
      await dockerd.docker(['rm', '--force', 'db-two-networks']);
      await dockerd.docker(['network', 'rm', 'tallyman-second']);
    }
  });

  test('a report for an undeclared service is a 404, whatever its source', async () => {
    const res = await fetch(`${stevedore.url}/v1/report`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ service: 'NOPE', hostname: 'ghost', exitCode: 0 }) });
    assert.equal(res.status, 404);
  });

  test('a report from container A naming container B is refused with 403, and B stays as it was', async () => {
    const a = await startDb('db-a');
    const b = await startDb('db-b');
    const before = (await instances()).get(b)!;
    const r = await dockerd.docker(['exec', 'db-a', 'tallyman', '-h', b, 'DB', 'sh', '-c', 'exit 1']);
    assert.equal(r.code, 1, 'the check\'s own status is untouched');
    // The answer names no other container; the log does.
    assert.match(r.stderr.toString(), new RegExp(`HTTP 403: a report must name the container it comes from, by its own hostname or id: '${b}' is not the container at [0-9.]+ \\(verify-source\\)`));
    assert.doesNotMatch(r.stderr.toString(), /db-b/);
    await waitFor('the refusal logged', () => stevedore.logLines().some((l) => /SOURCE_NOT_CONTAINER: the report names container 'db-b' but comes from [0-9.]+, which is not one of its addresses/.test(String(l.msg))));
    const after = (await instances()).get(b)!;
    assert.equal(after.state, 'ok');
    assert.equal(after.address, before.address);
    assert.ok((await instances()).has(a));
  });

  test('a report naming no container on this host is refused with 403, as one naming another container is', async () => {
    const res = await fetch(`${stevedore.url}/v1/report`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ service: 'DB', hostname: 'ghost', exitCode: 0 }) });
    assert.equal(res.status, 403);
    // The same answer as for another container's name: no way to tell which names exist.
    assert.deepEqual(await res.json(), { error: "a report must name the container it comes from, by its own hostname or id: 'ghost' is not the container at 127.0.0.1 (verify-source)", code: 'SOURCE_NOT_CONTAINER' });
  });

  test('dockerd restarted while stevedore runs: it reconnects, reconciles, and follows again', async () => {
    const survivor = await startDb('db-survivor');
    await dockerd.stop();
    await waitFor('stevedore noticing', async () => (await health()).state === 'reconnecting', 15_000, 100);
    await dockerd.start();
    await waitFor('following again', async () => (await health()).state === 'following', 30_000, 100);
    // The engine stopped its containers: the reconcile marked their instances stale.
    assert.equal((await instances()).get(survivor)?.state, 'stale');
    // And events flow again: a container destroyed now leaves at once.
    await dockerd.dockerOk(['rm', '--force', 'db-survivor']);
    await waitFor('the survivor\'s row gone', async () => !(await instances()).has(survivor), 15_000, 100);
  });
});
