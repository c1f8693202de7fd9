import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readStateFile, SLICE_CHARS, SnapshotError, stateFileChunks } from '../../../src/stevedore/persistence/snapshot.js';
import { Registry } from '../../../src/stevedore/registry/registry.js';
import { Sweeper } from '../../../src/stevedore/registry/sweeper.js';
import { serviceConfig } from '../../harness/config-fixture.js';
import { FakeTime } from '../../harness/fake-time.js';
import { reportFrom } from '../../harness/result-source.js';

const SECOND = 1000;
const text = (registry: Registry): string => [...stateFileChunks(registry.snapshot())].join('');
const settings = (ttlMs = 90 * SECOND) => ({ services: [serviceConfig('DB', { ttlMs }), serviceConfig('web')], maxInstances: 100, maxOutputBytes: 4096 });

/** A registry on `time` with its sweeper running, as the daemon has it. */
function registryOn(time: FakeTime, ttlMs?: number): Registry {
  const registry = new Registry(settings(ttlMs), time);
  new Sweeper(registry, time).start();
  return registry;
}

describe('state file format', () => {
  test('a snapshot restores every instance, its counters, state and container', async () => {
    const time = new FakeTime();
    const before = registryOn(time);
    const container = { id: 'abc', name: 'db-1', image: 'mariadb:11', ipAddresses: ['172.17.0.2'], ports: ['0.0.0.0:3306->3306/tcp'] };
    before.accept({ service: 'DB', hostname: 'c1', exitCode: 1, stdout: 'x', value: { a: [1] } }, reportFrom('172.17.0.2', container));
    before.accept({ service: 'web', hostname: 'w1', exitCode: 0 }, reportFrom('10.0.0.3'));
    const { image, dropped } = await readStateFile(text(before));
    assert.deepEqual(dropped, []);
    const after = registryOn(time);
    assert.equal(after.restore(image), 2);
    assert.deepEqual(after.service('DB')!.instances.get('c1'), before.service('DB')!.instances.get('c1'));
    assert.equal(after.stats().reportsAccepted, 2);
    assert.equal(after.service('DB')!.state, 'failing');
  });

  test('a time in the future is taken as now: the instance goes stale a ttl later, not never', async () => {
    const time = new FakeTime();
    const before = registryOn(time);
    before.accept({ service: 'DB', hostname: 'c1', exitCode: 0 }, reportFrom('10.0.0.2'));
    const file = JSON.parse(text(before));
    file.services[0].instances[0].receivedAt = '9999-12-31T00:00:00.000Z';
    file.services[0].instances[0].stateSince = '9999-12-31T00:00:00.000Z';
    const after = registryOn(time);
    after.restore((await readStateFile(JSON.stringify(file))).image);
    assert.equal(after.service('DB')!.instances.get('c1')!.receivedAt, time.wall());
    time.advance(90 * SECOND);
    assert.equal(after.service('DB')!.instances.get('c1')!.state, 'stale');
  });

  test('restored times keep their distance from now on the monotonic clock, whatever the wall clock did', async () => {
    const time = new FakeTime();
    const before = registryOn(time);
    before.accept({ service: 'DB', hostname: 'c1', exitCode: 0 }, reportFrom('10.0.0.2'));
    const saved = text(before);
    time.advance(60 * SECOND);
    const after = registryOn(time);
    after.restore((await readStateFile(saved)).image);
    time.stepWall(-3600 * SECOND);
    time.advance(30 * SECOND - 1);
    assert.equal(after.service('DB')!.instances.get('c1')!.state, 'ok');
    time.advance(1 * SECOND);
    assert.equal(after.service('DB')!.instances.get('c1')!.state, 'stale');
  });

  test('entries that break the report contract are dropped one by one, naming them; the rest is restored', async () => {
    const time = new FakeTime();
    const before = registryOn(time);
    for (const h of ['good', 'long', 'deep', 'bad-state']) before.accept({ service: 'DB', hostname: h, exitCode: 0 }, reportFrom('10.0.0.2'));
    const file = JSON.parse(text(before));
    const [, long, deep, badState] = file.services[0].instances;
    long.hostname = 'h'.repeat(200);
    deep.report.value = 'DEEP';
    badState.state = 'splendid';
    // A value nested 20 000 deep: JSON.parse reads it, JSON.stringify could not write it back.
    const crafted = JSON.stringify(file).replace('"DEEP"', `${'['.repeat(20_000)}1${']'.repeat(20_000)}`);
    const { image, dropped } = await readStateFile(crafted);
    assert.deepEqual(
      dropped.map((d) => [d.where, d.name?.slice(0, 4)]),
      [['services[0].instances[1]', 'hhhh'], ['services[0].instances[2]', 'deep'], ['services[0].instances[3]', 'bad-']],
    );
    assert.match(dropped[0]!.reason, /hostname must match pattern/);
    assert.match(dropped[1]!.reason, /report\.value nested deeper than 32 levels/);
    assert.match(dropped[2]!.reason, /state must be equal to one of the allowed values/);
    const after = registryOn(time);
    assert.equal(after.restore(image), 1);
    assert.deepEqual([...after.service('DB')!.instances.keys()], ['good']);
    // What is restored can be saved again.
    assert.doesNotThrow(() => text(after));
  });

  test('restored output is cut to max-output, as a report would be', async () => {
    const time = new FakeTime();
    const before = registryOn(time);
    before.accept({ service: 'DB', hostname: 'c1', exitCode: 0 }, reportFrom('10.0.0.2'));
    const file = JSON.parse(text(before));
    file.services[0].instances[0].report.stdout = 'x'.repeat(100_000);
    const after = new Registry({ ...settings(), maxOutputBytes: 16 }, time);
    after.restore((await readStateFile(JSON.stringify(file))).image);
    const kept = after.service('DB')!.instances.get('c1')!.report;
    assert.deepEqual([kept.stdout.length, kept.truncated], [16, true]);
  });

  test('a file that is no state file is refused whole, saying why', async () => {
    await assert.rejects(readStateFile('{"format":"something-else"}'), (e: unknown) => e instanceof SnapshotError && /not a stevedore state file/.test(e.message));
    await assert.rejects(readStateFile('{"format":"stevedore-state","version":7}'), (e: unknown) => e instanceof SnapshotError && /version 7/.test(e.message));
    await assert.rejects(readStateFile('{"format":'), (e: unknown) => e instanceof SnapshotError && /not JSON/.test(e.message));
  });

  test('the text comes in slices of about SLICE_CHARS: no slice holds more than one instance past it', async () => {
    const time = new FakeTime();
    const registry = new Registry({ ...settings(), maxInstances: 1000 }, time);
    const output = 'o'.repeat(4096);
    for (let i = 0; i < 500; i++) registry.accept({ service: i % 2 ? 'DB' : 'web', hostname: `c${i}`, exitCode: 0, stdout: output, stderr: output }, reportFrom('10.0.0.2'));
    const chunks = [...stateFileChunks(registry.snapshot())];
    const largest = Math.max(...chunks.map((c) => c.length));
    const oneInstance = JSON.stringify(registry.snapshot().services[0]!.instances[0]).length + 200;
    assert.ok(chunks.length > 50, `${chunks.length} slices`);
    assert.ok(largest <= SLICE_CHARS + oneInstance, `largest slice ${largest} characters`);
    assert.equal((await readStateFile(chunks.join(''))).image.services.flatMap((s) => s.instances).length, 500);
  });
});

describe('automatic services in the state file', () => {
  const ID = '0123456789ab'.padEnd(64, 'c');
  const container = { id: ID, name: 'web-1', image: 'nginx', ipAddresses: ['172.17.0.5'], ports: [] };
  const fromDocker = { origin: 'docker-health', address: '172.17.0.5', container, verdict: { state: 'ok', consecutiveFailures: 0 } } as const;
  const on = { ...settings(), ttlMs: 90 * SECOND, expireMs: 3600 * SECOND, autoServices: true, dockerHealth: true };

  /** A state file's text with automatic service nginx (docker-health) and a docker-health row in declared DB, saved a minute ago. */
  function saved(time: FakeTime): string {
    const before = new Registry(on, time);
    before.ensureService('nginx', 'docker-health');
    for (let i = 0; i < 3; i++) before.accept({ service: 'nginx', hostname: '0123456789ab', exitCode: 0, stdout: 'up' }, fromDocker);
    before.accept({ service: 'DB', hostname: 'ffffffffffff', exitCode: 0 }, { ...fromDocker, container: { ...container, id: 'f'.repeat(64) } });
    before.accept({ service: 'DB', hostname: 'db-1', exitCode: 0 }, reportFrom('10.0.0.2'));
    time.advance(30 * SECOND);
    const file = text(before);
    time.advance(30 * SECOND);
    return file;
  }

  test('written with the source that made it; restored with its rows, counters and since-when while that source is on and auto-services is yes', async () => {
    const time = new FakeTime();
    const file = saved(time);
    assert.deepEqual(JSON.parse(file).services.map((s: { name: string; automatic?: string }) => [s.name, s.automatic]), [['DB', undefined], ['web', undefined], ['nginx', 'docker-health']]);
    const after = new Registry(on, time);
    assert.equal(after.restore((await readStateFile(file)).image), 3);
    const nginx = after.service('nginx')!;
    assert.deepEqual([nginx.state, nginx.stateSince], ['ok', time.wall() - 60 * SECOND]);
    const row = nginx.instances.get('0123456789ab')!;
    assert.deepEqual([row.origin, row.reports, row.report.stdout, row.container?.name], ['docker-health', 3, 'up', 'web-1']);
    assert.deepEqual(after.services().map((s) => s.name), ['DB', 'web', 'nginx']);
    // Automatic as before: it goes with its last row.
    after.containerRemoved(ID);
    assert.equal(after.service('nginx'), undefined);
  });

  test('a Docker row of a container with no IP address (host or no network) comes back with its counters and since-when', async () => {
    const time = new FakeTime();
    const before = new Registry(on, time);
    before.ensureService('nginx', 'docker-health');
    const noNetwork = { ...fromDocker, address: '', container: { ...container, ipAddresses: [] } };
    for (let i = 0; i < 2; i++) before.accept({ service: 'nginx', hostname: '0123456789ab', exitCode: 0 }, noNetwork);
    time.advance(30 * SECOND);
    const file = text(before);
    const { image, dropped } = await readStateFile(file);
    assert.deepEqual(dropped, []);
    const after = new Registry(on, time);
    assert.equal(after.restore(image), 1);
    const row = after.service('nginx')!.instances.get('0123456789ab')!;
    assert.deepEqual([row.address, row.reports, row.stateSince], ['', 2, time.wall() - 30 * SECOND]);
  });

  test('a tallyman row with no address is still dropped', async () => {
    const time = new FakeTime();
    const before = new Registry(on, time);
    before.accept({ service: 'DB', hostname: 'db-1', exitCode: 0 }, reportFrom('10.0.0.2'));
    const file = JSON.parse(text(before));
    file.services[0].instances[0].address = '';
    const { dropped } = await readStateFile(JSON.stringify(file));
    assert.deepEqual(dropped.map((d) => [d.name, d.reason]), [['db-1', 'address is not an IP address']]);
  });

  test("left out when its source is off or auto-services is no; a declared service's rows of a source that is off are left out too", async () => {
    const time = new FakeTime();
    const file = saved(time);
    const off = new Registry({ ...on, dockerHealth: false }, time);
    assert.equal(off.restore((await readStateFile(file)).image), 1);
    assert.equal(off.service('nginx'), undefined);
    assert.deepEqual([...off.service('DB')!.instances.keys()], ['db-1']);
    const declaredOnly = new Registry({ ...on, autoServices: false }, time);
    assert.equal(declaredOnly.restore((await readStateFile(file)).image), 2);
    assert.equal(declaredOnly.service('nginx'), undefined);
  });

  test('an automatic service none of whose rows comes back (max-instances) is not kept', async () => {
    const time = new FakeTime();
    const file = saved(time);
    const full = new Registry({ ...on, maxInstances: 2 }, time);
    assert.equal(full.restore((await readStateFile(file)).image), 2);
    assert.equal(full.service('nginx'), undefined);
  });

  test('a file written before automatic services were kept is read as declared services only; a bad source drops that service alone, named', async () => {
    const time = new FakeTime();
    const file = JSON.parse(saved(time));
    const old = structuredClone(file);
    delete old.services[2].automatic;
    const after = new Registry(on, time);
    assert.equal(after.restore((await readStateFile(JSON.stringify(old))).image), 2);
    assert.equal(after.service('nginx'), undefined);
    file.services[2].automatic = 'etcd';
    const { image, dropped } = await readStateFile(JSON.stringify(file));
    assert.deepEqual(dropped.map((d) => [d.where, d.name]), [['services[2]', 'nginx']]);
    assert.match(dropped[0]!.reason, /automatic must be equal to one of the allowed values/);
    assert.deepEqual(image.services.map((s) => s.name), ['DB', 'web']);
  });
});
