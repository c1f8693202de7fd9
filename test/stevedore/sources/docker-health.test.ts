import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { Registry } from '../../../src/stevedore/registry/registry.js';
import { hasHealthCheck, latestProbe, runsTallyman, type HealthInspect } from '../../../src/stevedore/sources/docker-health/probe-result.js';
import { serviceOfContainer } from '../../../src/stevedore/sources/docker-health/service-name.js';
import { DockerHealthSource } from '../../../src/stevedore/sources/docker-health/source.js';
import type { ContainerRef } from '../../../src/stevedore/registry/records.js';
import { serviceConfig } from '../../harness/config-fixture.js';
import { FakeTime } from '../../harness/fake-time.js';

const ID = '0123456789ab'.padEnd(64, 'c');
const container: ContainerRef = { id: ID, name: 'web-1', image: 'nginx:1.27', ipAddresses: ['172.17.0.5'], ports: [] };

type Entry = { Start: string; End: string; ExitCode: number; Output: string };
const entry = (second: number, exitCode = 0, output = ''): Entry => ({
  Start: `2026-11-30T10:00:${String(second).padStart(2, '0')}.100000000Z`,
  End: `2026-11-30T10:00:${String(second).padStart(2, '0')}.350123456Z`,
  ExitCode: exitCode,
  Output: output,
});

function inspect(status: string, log: Entry[], more: { labels?: Record<string, string>; streak?: number; paused?: boolean; running?: boolean; test?: string[] } = {}): HealthInspect {
  return {
    Id: ID,
    Config: { Image: 'nginx:1.27', Labels: more.labels ?? {}, Healthcheck: { Test: more.test ?? ['CMD-SHELL', 'test -f /tmp/ok'] } },
    State: { Running: more.running ?? true, Paused: more.paused ?? false, Health: { Status: status, FailingStreak: more.streak ?? 0, Log: log } },
  };
}

describe("docker-health: Docker's latest probe as a result", () => {
  test('healthy is ok, with exit code, output in stdout, start and duration', () => {
    const probe = latestProbe(inspect('healthy', [entry(1, 1, 'old'), entry(2, 0, 'fine\n')]));
    assert.deepEqual(probe, {
      values: { exitCode: 0, stdout: 'fine\n', stderr: '', timedOut: false, startedAt: '2026-11-30T10:00:02.100000000Z', durationMs: 250 },
      verdict: { state: 'ok', consecutiveFailures: 0 },
      endedAt: Date.parse('2026-11-30T10:00:02.350Z'),
    });
  });

  test("Docker's status decides, not the exit code: a failed probe within --retries is still ok", () => {
    const probe = latestProbe(inspect('healthy', [entry(3, 1, 'no')], { streak: 1 }));
    assert.equal(probe?.values.exitCode, 1);
    assert.deepEqual(probe?.verdict, { state: 'ok', consecutiveFailures: 1 });
  });

  test('unhealthy is failing with its failing streak; starting is starting', () => {
    assert.deepEqual(latestProbe(inspect('unhealthy', [entry(4, 1)], { streak: 3 }))?.verdict, { state: 'failing', consecutiveFailures: 3 });
    assert.equal(latestProbe(inspect('starting', [entry(4, 1)]))?.verdict.state, 'starting');
  });

  test('a probe Docker killed at its timeout is timedOut', () => {
    const probe = latestProbe(inspect('unhealthy', [{ ...entry(5, -1), Output: 'Health check exceeded timeout (1s)' }]));
    assert.equal(probe?.values.timedOut, true);
  });

  test('a health check that runs tallyman is known as such', () => {
    const check = (test: string[]) => runsTallyman(inspect('healthy', [], { test }));
    assert.equal(check(['CMD', 'tallyman', 'DB', 'mysqladmin', 'ping']), true);
    assert.equal(check(['CMD', '/usr/local/bin/tallyman.sh', 'DB', 'true']), true);
    assert.equal(check(['CMD-SHELL', 'tallyman.cjs -s 10.0.0.1:8990 DB pg_isready']), true);
    assert.equal(check(['CMD-SHELL', 'cd /app && tallyman web curl -f localhost']), true);
    assert.equal(check(['CMD-SHELL', 'test -f /tmp/tallyman-ok']), false);
    assert.equal(check(['CMD', 'pg_isready']), false);
  });

  test('no probe yet, or no health check: nothing', () => {
    assert.equal(latestProbe(inspect('starting', [])), null);
    assert.equal(hasHealthCheck(inspect('starting', [])), true);
    assert.equal(hasHealthCheck({ Id: ID, State: { Running: true } }), false);
    assert.equal(hasHealthCheck(inspect('none', [], { test: ['NONE'] })), false);
  });
});

describe('docker-health: the service a container reports for', () => {
  test('label tallyman.service, else the Compose service, else IMAGENAME', () => {
    assert.deepEqual(serviceOfContainer({ 'tallyman.service': 'WEB', 'com.docker.compose.service': 'front' }, 'nginx'), { ok: true, name: 'WEB', from: 'label' });
    assert.deepEqual(serviceOfContainer({ 'com.docker.compose.service': 'front' }, 'nginx'), { ok: true, name: 'front', from: 'compose' });
    assert.deepEqual(serviceOfContainer({}, 'registry.example.com:5000/team/api:1.2@sha256:' + 'a'.repeat(64)), { ok: true, name: 'api', from: 'image' });
    assert.deepEqual(serviceOfContainer({}, 'sha256:' + 'f'.repeat(64)), { ok: true, name: 'ffffffffffff', from: 'image' });
  });

  test('a label that is no service name is refused with what to fix', () => {
    const named = serviceOfContainer({ 'tallyman.service': 'my web' }, 'nginx');
    assert.equal(named.ok, false);
    assert.match(named.ok ? '' : named.message, /'my web' from its label tallyman\.service is not a service name \(1 to 64 characters/);
  });
});

describe('docker-health: the source feeds the registry', () => {
  const setup = (autoServices = true) => {
    const time = new FakeTime();
    const registry = new Registry({ services: [serviceConfig('DB')], maxInstances: 100, maxOutputBytes: 4096, ttlMs: 30_000, expireMs: 60_000, autoServices, dockerHealth: true }, time);
    const source = new DockerHealthSource(registry, pino({ level: 'silent' }), time, [100, 200]);
    return { time, registry, source };
  };

  test('an undeclared service is created with the defaults; the row carries the probe', () => {
    const { registry, source } = setup();
    assert.equal(source.inspected(inspect('healthy', [entry(1, 0, 'up')], { labels: { 'tallyman.service': 'WEB' } }), container), true);
    const web = registry.service('WEB');
    assert.equal(web?.state, 'ok');
    const row = web?.instances.get('0123456789ab');
    assert.equal(row?.origin, 'docker-health');
    assert.equal(row?.report.stdout, 'up');
    assert.equal(row?.container?.name, 'web-1');
    assert.deepEqual(registry.services().map((s) => s.name), ['DB', 'WEB']);
  });

  test('the same probe is fed once; a newer one again; starting is its own state', () => {
    const { registry, source } = setup();
    assert.equal(source.inspected(inspect('starting', [entry(1, 1)]), container), true);
    assert.equal(registry.service('nginx')?.instances.get('0123456789ab')?.state, 'starting');
    assert.equal(registry.service('nginx')?.state, 'degraded');
    assert.equal(source.inspected(inspect('starting', [entry(1, 1)]), container), false);
    assert.equal(source.inspected(inspect('unhealthy', [entry(1, 1), entry(2, 1, 'down')], { streak: 2 }), container), true);
    const row = registry.service('nginx')?.instances.get('0123456789ab');
    assert.equal(row?.state, 'failing');
    assert.equal(row?.consecutiveFailures, 2);
    assert.equal(row?.reports, 2);
  });

  test('auto-services no: only declared services', () => {
    const { registry, source } = setup(false);
    assert.equal(source.inspected(inspect('healthy', [entry(1)]), container), false);
    assert.equal(registry.service('nginx'), undefined);
    assert.equal(source.inspected(inspect('healthy', [entry(2)], { labels: { 'tallyman.service': 'DB' } }), container), true);
    assert.equal(registry.service('DB')?.instances.size, 1);
  });

  test('a paused or stopped container is not fed: its row goes stale by the ttl', () => {
    const { registry, source, time } = setup();
    source.inspected(inspect('healthy', [entry(1)]), container);
    assert.equal(source.inspected(inspect('healthy', [entry(1), entry(2)], { paused: true }), container), false);
    time.advance(30_000);
    registry.sweep();
    assert.equal(registry.service('nginx')?.instances.get('0123456789ab')?.state, 'stale');
  });

  test('a probe: inspected again on the injected time until the newer result shows, a bounded number of times', async () => {
    const { time, source } = setup();
    source.inspected(inspect('healthy', [entry(1)]), container);
    let answers = 0;
    const probed = source.probed(ID, async () => {
      answers++;
      // Docker records the result on the third inspection.
      source.inspected(inspect('healthy', answers >= 3 ? [entry(1), entry(2)] : [entry(1)]), container);
    });
    for (let i = 0; i < 10 && answers < 3; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      time.advance(100);
    }
    await probed;
    assert.equal(answers, 3);
    // A `docker exec` session's end shows no newer probe: 1 + 2 retries, then nothing is fed.
    answers = 0;
    const exec = source.probed(ID, async () => void answers++);
    for (let i = 0; i < 10; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      time.advance(100);
    }
    await exec;
    assert.equal(answers, 3);
    assert.equal(time.pending, 0);
  });

  test('a container whose HEALTHCHECK runs tallyman is never fed, even before its first report', () => {
    const { registry, source } = setup();
    assert.equal(source.inspected(inspect('healthy', [entry(1)], { test: ['CMD', 'tallyman', 'DB', 'true'] }), container), false);
    assert.deepEqual(registry.services().map((s) => s.name), ['DB']);
    assert.equal(source.health().containers, 0);
  });

  test('a container tallyman reports for is left to tallyman: one row per container', () => {
    const { registry, source } = setup();
    registry.accept({ service: 'DB', hostname: '0123456789ab', exitCode: 0 }, { origin: 'report', address: '172.17.0.5', container });
    assert.equal(source.inspected(inspect('healthy', [entry(1)]), container), false);
    assert.equal(registry.service('nginx'), undefined);
    assert.equal(registry.service('DB')?.instances.get('0123456789ab')?.origin, 'report');
  });

  test("a hidden tallyman's first report under another name: the row made from Docker's check goes at once, and no probe feeds it again", () => {
    const { registry, source } = setup();
    const removed: string[] = [];
    registry.subscribe((e) => void (e.kind === 'instance' && e.to === null && removed.push(`${e.service}/${e.hostname}: ${e.cause}`)));
    source.inspected(inspect('healthy', [entry(1)]), container);
    registry.accept({ service: 'DB', hostname: 'db-main', exitCode: 0 }, { origin: 'report', address: '172.17.0.5', container });
    assert.deepEqual(removed, ['nginx/0123456789ab: replaced']);
    assert.equal(registry.service('nginx'), undefined);
    assert.equal(source.inspected(inspect('healthy', [entry(1), entry(2)]), container), false);
    assert.deepEqual(registry.services().map((s) => [s.name, [...s.instances.keys()]]), [['DB', ['db-main']]]);
  });

  test("a source started on a registry that has tallyman's row for the container (restored, or before a reload) leaves it to tallyman", () => {
    const { registry, time } = setup();
    registry.accept({ service: 'DB', hostname: 'db-main', exitCode: 0 }, { origin: 'report', address: '172.17.0.5', container });
    const restarted = new DockerHealthSource(registry, pino({ level: 'silent' }), time);
    assert.equal(restarted.inspected(inspect('healthy', [entry(1)]), container), false);
    assert.deepEqual(registry.services().map((s) => s.name), ['DB']);
  });

  test('closed (a reload turned it off): an inspection that answers late feeds nothing', async () => {
    const { registry, source } = setup();
    source.inspected(inspect('healthy', [entry(1)]), container);
    registry.reconfigure({ services: [serviceConfig('DB')], maxInstances: 100, maxOutputBytes: 4096, ttlMs: 30_000, expireMs: 60_000, autoServices: true, dockerHealth: false });
    assert.equal(registry.service('nginx'), undefined, 'its rows removed at the reload');
    let inspections = 0;
    source.close();
    assert.equal(source.inspected(inspect('healthy', [entry(1), entry(2)]), container), false);
    await source.probed(ID, async () => void inspections++);
    assert.equal(inspections, 0);
    assert.equal(registry.service('nginx'), undefined);
  });

  test('an automatic service goes with its last instance, and survives a reload while it has one', () => {
    const { registry, source } = setup();
    source.inspected(inspect('healthy', [entry(1)]), container);
    registry.reconfigure({ services: [serviceConfig('DB')], maxInstances: 100, maxOutputBytes: 4096, ttlMs: 10_000, expireMs: 60_000, autoServices: true, dockerHealth: true });
    assert.equal(registry.service('nginx')?.instances.size, 1);
    registry.containerRemoved(ID);
    assert.equal(registry.service('nginx'), undefined);
    assert.deepEqual(registry.services().map((s) => s.name), ['DB']);
  });

  test('a reload to auto-services no removes the automatic services', () => {
    const { registry, source } = setup();
    source.inspected(inspect('healthy', [entry(1)]), container);
    registry.reconfigure({ services: [serviceConfig('DB')], maxInstances: 100, maxOutputBytes: 4096, ttlMs: 30_000, expireMs: 60_000, autoServices: false, dockerHealth: true });
    assert.equal(registry.service('nginx'), undefined);
  });
});
