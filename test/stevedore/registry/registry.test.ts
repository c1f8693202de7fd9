import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Report } from '../../../src/common/report.js';
import { isStateChange, type StateChange } from '../../../src/stevedore/registry/events.js';
import { Registry } from '../../../src/stevedore/registry/registry.js';
import { serviceState } from '../../../src/stevedore/registry/states.js';
import { Sweeper } from '../../../src/stevedore/registry/sweeper.js';
import { serviceConfig } from '../../harness/config-fixture.js';
import { reportFrom } from '../../harness/result-source.js';
import { FakeTime } from '../../harness/fake-time.js';

const SECOND = 1000;
const report = (hostname: string, exitCode = 0, more: Partial<Report> = {}): Report => ({ service: 'DB', hostname, exitCode, ...more });

describe('service state from instance states', () => {
  const cases: [string, { ok: number; failing: number; stale: number; starting?: number }, string][] = [
    ['no instances', { ok: 0, failing: 0, stale: 0 }, 'unknown'],
    ['all starting: a warning, as a starting instance is', { ok: 0, failing: 0, stale: 0, starting: 2 }, 'degraded'],
    ['ok and starting: starting counts toward no verdict', { ok: 2, failing: 0, stale: 0, starting: 1 }, 'ok'],
    ['failing and starting', { ok: 0, failing: 1, stale: 0, starting: 1 }, 'failing'],
    ['stale and starting', { ok: 0, failing: 0, stale: 1, starting: 1 }, 'stale'],
    ['all ok', { ok: 3, failing: 0, stale: 0 }, 'ok'],
    ['all failing', { ok: 0, failing: 2, stale: 0 }, 'failing'],
    ['none ok, some failing, some stale', { ok: 0, failing: 1, stale: 1 }, 'failing'],
    ['all stale', { ok: 0, failing: 0, stale: 2 }, 'stale'],
    ['some ok, some failing', { ok: 1, failing: 1, stale: 0 }, 'degraded'],
    ['some ok, some stale', { ok: 1, failing: 0, stale: 1 }, 'degraded'],
  ];
  for (const [name, counts, state] of cases) test(`${name}: ${state}`, () => assert.equal(serviceState({ starting: 0, ...counts }), state));
});

describe('registry', () => {
  let time: FakeTime;
  let registry: Registry;
  let changes: StateChange[];

  beforeEach(() => {
    time = new FakeTime();
    registry = new Registry(
      { services: [serviceConfig('DB', { ttlMs: 90 * SECOND, expireMs: 3600 * SECOND }), serviceConfig('web', { maxInstances: 1 })], maxInstances: 3, maxOutputBytes: 8 },
      time,
    );
    changes = [];
    registry.subscribe((e) => isStateChange(e) && changes.push(e));
    new Sweeper(registry, time).start();
  });

  test('a declared service with no instances is unknown', () => {
    assert.deepEqual(registry.services().map((s) => [s.name, s.state]), [['DB', 'unknown'], ['web', 'unknown']]);
  });

  test('a first report creates the instance, and the service follows', () => {
    assert.deepEqual(registry.accept(report('c1'), reportFrom('172.17.0.2')), { accepted: true, created: true });
    const db = registry.service('DB')!;
    assert.equal(db.state, 'ok');
    const c1 = db.instances.get('c1')!;
    assert.deepEqual([c1.state, c1.address, c1.reports, c1.failures], ['ok', '172.17.0.2', 1, 0]);
    assert.deepEqual(changes.map((c) => [c.kind, c.from, c.to]), [['instance', null, 'ok'], ['service', 'unknown', 'ok']]);
  });

  test('one instance failing among ok ones: degraded; all failing: failing', () => {
    registry.accept(report('c1'), reportFrom('a'));
    registry.accept(report('c2', 1), reportFrom('b'));
    assert.equal(registry.service('DB')!.state, 'degraded');
    registry.accept(report('c1', 2), reportFrom('a'));
    assert.equal(registry.service('DB')!.state, 'failing');
  });

  test('a timed-out check is failing even with exit 0 in its report', () => {
    registry.accept(report('c1', 0, { timedOut: true }), reportFrom('a'));
    assert.equal(registry.service('DB')!.instances.get('c1')!.state, 'failing');
  });

  test('counters: reports, failures, consecutive failures reset by a success', () => {
    for (const code of [1, 1, 0, 1]) registry.accept(report('c1', code), reportFrom('a'));
    const c1 = registry.service('DB')!.instances.get('c1')!;
    assert.deepEqual([c1.reports, c1.failures, c1.consecutiveFailures], [4, 3, 1]);
    assert.equal(registry.stats().reportsAccepted, 4);
  });

  test('reports that change nothing make no events', () => {
    registry.accept(report('c1'), reportFrom('a'));
    changes.length = 0;
    for (let i = 0; i < 5; i++) registry.accept(report('c1'), reportFrom('a'));
    assert.deepEqual(changes, []);
  });

  test('stateSince moves only when the state changes', () => {
    registry.accept(report('c1'), reportFrom('a'));
    const since = registry.service('DB')!.instances.get('c1')!.stateSince;
    time.advance(10 * SECOND);
    registry.accept(report('c1'), reportFrom('a'));
    assert.equal(registry.service('DB')!.instances.get('c1')!.stateSince, since);
    time.advance(10 * SECOND);
    registry.accept(report('c1', 1), reportFrom('a'));
    assert.equal(registry.service('DB')!.instances.get('c1')!.stateSince, time.wall());
  });

  test('no report within ttl: stale at the deadline, by the sweeper, without any new report', () => {
    registry.accept(report('c1'), reportFrom('a'));
    const receivedAt = time.wall();
    time.advance(90 * SECOND - 1);
    assert.equal(registry.service('DB')!.instances.get('c1')!.state, 'ok');
    time.advance(1);
    const c1 = registry.service('DB')!.instances.get('c1')!;
    assert.equal(c1.state, 'stale');
    assert.equal(c1.stateSince, receivedAt + 90 * SECOND);
    assert.equal(registry.service('DB')!.state, 'stale');
    assert.deepEqual(changes.slice(-2).map((c) => [c.kind, c.from, c.to, c.at]), [
      ['instance', 'ok', 'stale', receivedAt + 90 * SECOND],
      ['service', 'ok', 'stale', time.wall()],
    ]);
  });

  test('sweep emits the stale event on time for a listener, with no read', () => {
    registry.accept(report('c1'), reportFrom('a'));
    time.advance(91 * SECOND);
    registry.sweep();
    assert.ok(changes.some((c) => c.kind === 'instance' && c.to === 'stale'));
  });

  test('stale for expire: removed, and the service is unknown again', () => {
    registry.accept(report('c1'), reportFrom('a'));
    time.advance(90 * SECOND + 3600 * SECOND);
    assert.equal(registry.service('DB')!.instances.size, 0);
    assert.equal(registry.service('DB')!.state, 'unknown');
    assert.equal(registry.stats().instances, 0);
    const removal = changes.find((c) => c.kind === 'instance' && c.to === null);
    assert.equal(removal?.at, time.wall());
  });

  test('a stale instance that reports again is fresh again', () => {
    registry.accept(report('c1'), reportFrom('a'));
    time.advance(100 * SECOND);
    registry.accept(report('c1', 1), reportFrom('a'));
    assert.equal(registry.service('DB')!.instances.get('c1')!.state, 'failing');
  });

  test('an undeclared service is refused; the refusal is counted when the collector says so', () => {
    const outcome = registry.accept({ service: 'nope', hostname: 'c1', exitCode: 0 }, reportFrom('a'));
    assert.deepEqual(outcome, { accepted: false, reason: 'unknown-service', message: "service 'nope' is not declared in the configuration" });
    assert.equal(registry.stats().reportsRejected, 0);
    registry.countRejected();
    assert.equal(registry.stats().reportsRejected, 1);
  });

  test('max-instances: existing instances keep updating, new ones are refused', () => {
    for (const h of ['c1', 'c2', 'c3']) registry.accept(report(h), reportFrom('a'));
    const refused = registry.accept(report('c4'), reportFrom('a'));
    assert.equal(refused.accepted, false);
    assert.match((refused as { message: string }).message, /max-instances \(3\) reached/);
    assert.equal(registry.accept(report('c1', 1), reportFrom('a')).accepted, true);
    assert.equal(registry.service('DB')!.instances.get('c1')!.state, 'failing');
  });

  test("a service's own max-instances", () => {
    registry.accept({ service: 'web', hostname: 'w1', exitCode: 0 }, reportFrom('a'));
    const refused = registry.accept({ service: 'web', hostname: 'w2', exitCode: 0 }, reportFrom('a'));
    assert.match((refused as { message: string }).message, /max-instances of service 'web' \(1\) reached/);
  });

  test('output is cut to max-output per stream, on a character boundary, and marked truncated', () => {
    registry.accept(report('c1', 0, { stdout: 'abcdefghij', stderr: 'ééééé' }), reportFrom('a'));
    const kept = registry.service('DB')!.instances.get('c1')!.report;
    assert.equal(kept.stdout, 'abcdefgh');
    assert.equal(kept.stderr, 'éééé');
    assert.equal(kept.truncated, true);
  });

  test('reload: new services appear, removed ones vanish, kept ones keep their instances', () => {
    registry.accept(report('c1'), reportFrom('a'));
    registry.accept({ service: 'web', hostname: 'w1', exitCode: 0 }, reportFrom('a'));
    registry.reconfigure({ services: [serviceConfig('DB'), serviceConfig('cache')], maxInstances: 3, maxOutputBytes: 8 });
    assert.deepEqual(registry.services().map((s) => s.name), ['DB', 'cache']);
    assert.equal(registry.service('DB')!.instances.size, 1);
    assert.equal(registry.service('web'), undefined);
    assert.equal(registry.stats().instances, 1);
    assert.ok(changes.some((c) => c.kind === 'service' && c.service === 'web' && c.to === null));
    assert.ok(changes.some((c) => c.kind === 'instance' && c.hostname === 'w1' && c.to === null && c.cause === 'service removed'));
    assert.ok(changes.some((c) => c.kind === 'service' && c.service === 'cache' && c.from === null));
  });

  test('a service a source finds is created with the global defaults, kept by reloads while it has instances, and declared when the configuration names it', () => {
    const settings = { services: [serviceConfig('DB')], maxInstances: 3, maxOutputBytes: 8, ttlMs: 30 * SECOND, expireMs: 60 * SECOND, autoServices: true };
    registry.reconfigure(settings);
    assert.equal(registry.accept({ service: 'nginx', hostname: '0123456789ab', exitCode: 0 }, reportFrom('a')).accepted, false);
    assert.equal(registry.ensureService('nginx', 'docker-health'), true);
    assert.equal(registry.ensureService('nginx', 'docker-health'), true, 'there already: nothing more');
    assert.equal(changes.filter((c) => c.kind === 'service' && c.service === 'nginx' && c.from === null).length, 1, 'created once');
    assert.equal(registry.ensureService('DB', 'docker-health'), true, 'a declared service is left as it is');
    assert.equal(registry.accept({ service: 'nginx', hostname: '0123456789ab', exitCode: 0 }, reportFrom('a')).accepted, true);
    registry.reconfigure({ ...settings, ttlMs: 10 * SECOND });
    assert.deepEqual(registry.services().map((s) => s.name), ['DB', 'nginx']);
    assert.equal(registry.service('nginx')!.instances.size, 1);
    time.advance(10 * SECOND);
    assert.equal(registry.service('nginx')!.instances.get('0123456789ab')!.state, 'stale', 'it follows the new global ttl');
    registry.reconfigure({ ...settings, services: [serviceConfig('nginx', { description: 'web' })] });
    assert.deepEqual(registry.services().map((s) => [s.name, s.description]), [['nginx', 'web']]);
    registry.reconfigure(settings);
    assert.equal(registry.service('nginx'), undefined, 'declared, then no longer: removed like any declared service');
    registry.reconfigure({ ...settings, autoServices: false });
    assert.equal(registry.ensureService('redis', 'docker-health'), false, 'auto-services no: only declared services');
  });

  test('reload with a shorter ttl applies to instances already there', () => {
    registry.accept(report('c1'), reportFrom('a'));
    time.advance(20 * SECOND);
    registry.reconfigure({ services: [serviceConfig('DB', { ttlMs: 10 * SECOND })], maxInstances: 3, maxOutputBytes: 8 });
    assert.equal(registry.service('DB')!.instances.get('c1')!.state, 'stale');
  });

  test('the system clock stepped back an hour: a silent instance still goes stale at its ttl, and expires on time', () => {
    registry.accept(report('c1'), reportFrom('a'));
    time.stepWall(-3600 * SECOND);
    time.advance(90 * SECOND - 1);
    assert.equal(registry.service('DB')!.instances.get('c1')!.state, 'ok');
    time.advance(1);
    assert.equal(registry.service('DB')!.instances.get('c1')!.state, 'stale');
    time.advance(3600 * SECOND);
    assert.equal(registry.service('DB')!.instances.size, 0);
  });

  test('the system clock stepped forward two minutes: nothing goes stale or is removed', () => {
    registry.accept(report('c1'), reportFrom('a'));
    time.advance(60 * SECOND);
    registry.accept(report('c2'), reportFrom('a'));
    changes.length = 0;
    time.stepWall(120 * SECOND);
    registry.sweep();
    assert.deepEqual(registry.services()[0]!.counts, { ok: 2, starting: 0, failing: 0, stale: 0 });
    assert.deepEqual(changes, []);
  });

  test('times shown are wall times: a report after a clock step shows the stepped time', () => {
    registry.accept(report('c1'), reportFrom('a'));
    time.stepWall(-3600 * SECOND);
    registry.accept(report('c1', 1), reportFrom('a'));
    const c1 = registry.service('DB')!.instances.get('c1')!;
    assert.deepEqual([c1.receivedAt, c1.stateSince], [time.wall(), time.wall()]);
    assert.equal(changes.at(-2)?.at, time.wall());
  });

  test('counters never go backwards', () => {
    let last = 0;
    for (let i = 0; i < 20; i++) {
      registry.accept(report(`c${i % 4}`, i % 3), reportFrom('a'));
      time.advance(30 * SECOND);
      const { reportsAccepted, reportsRejected } = registry.stats();
      assert.ok(reportsAccepted + reportsRejected >= last);
      last = reportsAccepted + reportsRejected;
    }
  });
});

describe('registry and containers (docker-socket)', () => {
  const container = (id: string) => ({ id, name: `db-${id}`, image: 'mariadb:11', ipAddresses: ['172.17.0.2'], ports: ['3306/tcp'] });
  let time: FakeTime;
  let registry: Registry;
  let changes: StateChange[];

  beforeEach(() => {
    time = new FakeTime();
    registry = new Registry({ services: [serviceConfig('DB')], maxInstances: 100, maxOutputBytes: 4096 }, time);
    registry.accept({ service: 'DB', hostname: 'aaa', exitCode: 0 }, reportFrom('172.17.0.2', container('aaa111')));
    registry.accept({ service: 'DB', hostname: 'bbb', exitCode: 0 }, reportFrom('172.17.0.3', container('bbb222')));
    registry.accept({ service: 'DB', hostname: 'host', exitCode: 0 }, reportFrom('10.0.0.9'));
    changes = [];
    registry.subscribe((e) => isStateChange(e) && changes.push(e));
    new Sweeper(registry, time).start();
  });

  test('an instance keeps the container it reports from', () => {
    assert.deepEqual(registry.service('DB')!.instances.get('aaa')!.container, container('aaa111'));
    assert.equal(registry.service('DB')!.instances.get('host')!.container, null);
  });

  test('die: the instance is stale at once, the service degraded', () => {
    time.advance(1000);
    registry.containerDied('aaa111');
    const a = registry.service('DB')!.instances.get('aaa')!;
    assert.deepEqual([a.state, a.stateSince], ['stale', time.wall()]);
    assert.equal(registry.service('DB')!.state, 'degraded');
  });

  test('destroy: the instance is removed at once', () => {
    registry.containerRemoved('bbb222');
    assert.deepEqual([...registry.service('DB')!.instances.keys()], ['aaa', 'host']);
    assert.ok(changes.some((c) => c.kind === 'instance' && c.hostname === 'bbb' && c.to === null));
  });

  test('reconcile: containers gone are removed, stopped ones stale, instances without a container left alone', () => {
    registry.reconcileContainers(new Map([['aaa111', { running: false }]]));
    const instances = registry.service('DB')!.instances;
    assert.deepEqual([...instances.keys()], ['aaa', 'host']);
    assert.equal(instances.get('aaa')!.state, 'stale');
    assert.equal(instances.get('host')!.state, 'ok');
  });

  test('a container that starts again and reports is fresh again', () => {
    registry.containerDied('aaa111');
    registry.accept({ service: 'DB', hostname: 'aaa', exitCode: 0 }, reportFrom('172.17.0.2', container('aaa111')));
    assert.equal(registry.service('DB')!.instances.get('aaa')!.state, 'ok');
  });
});

describe("rows a source made: replaced by tallyman's, removed when their source is turned off", () => {
  const ID = '0123456789ab'.padEnd(64, 'c');
  const container = { id: ID, name: 'web-1', image: 'nginx', ipAddresses: ['172.17.0.5'], ports: [] };
  const settings = { services: [serviceConfig('DB'), serviceConfig('WEB')], maxInstances: 100, maxOutputBytes: 4096, ttlMs: 30 * SECOND, expireMs: 3600 * SECOND, autoServices: true, dockerHealth: true, dockerChecks: true };
  const fromDocker = { origin: 'docker-health', address: '172.17.0.5', container, verdict: { state: 'ok', consecutiveFailures: 0 } } as const;
  const fromChecker = { origin: 'checker', address: '172.17.0.5', container } as const;
  let time: FakeTime;
  let registry: Registry;
  let changes: StateChange[];
  const removals = () => changes.flatMap((c) => (c.kind === 'instance' && c.to === null ? [`${c.service}/${c.hostname}: ${c.cause}`] : []));

  beforeEach(() => {
    time = new FakeTime();
    registry = new Registry(settings, time);
    changes = [];
    registry.subscribe((e) => isStateChange(e) && changes.push(e));
    new Sweeper(registry, time).start();
  });

  test("tallyman's first report for the container under another name removes docker-health's row at once, and its automatic service with it", () => {
    registry.ensureService('nginx', 'docker-health');
    registry.accept({ service: 'nginx', hostname: '0123456789ab', exitCode: 0 }, fromDocker);
    time.advance(5 * SECOND);
    registry.accept({ service: 'DB', hostname: 'db-main', exitCode: 0 }, reportFrom('172.17.0.5', container));
    assert.deepEqual(removals(), ['nginx/0123456789ab: replaced']);
    assert.equal(registry.service('nginx'), undefined);
    assert.deepEqual([...registry.service('DB')!.instances.keys()], ['db-main']);
    assert.equal(registry.stats().instances, 1);
  });

  test("a declared service's docker-health row is replaced too; the service is unknown again", () => {
    registry.accept({ service: 'WEB', hostname: '0123456789ab', exitCode: 0 }, fromDocker);
    registry.accept({ service: 'DB', hostname: 'db-main', exitCode: 0 }, reportFrom('172.17.0.5', container));
    assert.deepEqual(removals(), ['WEB/0123456789ab: replaced']);
    assert.equal(registry.service('WEB')!.state, 'unknown');
  });

  test("tallyman reporting under the row's own name takes the row over: nothing removed", () => {
    registry.accept({ service: 'WEB', hostname: '0123456789ab', exitCode: 0 }, fromDocker);
    registry.accept({ service: 'WEB', hostname: '0123456789ab', exitCode: 0 }, reportFrom('172.17.0.5', container));
    assert.deepEqual(removals(), []);
    assert.equal(registry.service('WEB')!.instances.get('0123456789ab')!.origin, 'report');
  });

  test("only docker-health's rows are replaced: a checker row, another container's row and a report without a container stay", () => {
    const other = { ...container, id: 'f'.repeat(64) };
    registry.accept({ service: 'WEB', hostname: '0123456789ab', exitCode: 0 }, fromChecker);
    registry.accept({ service: 'WEB', hostname: 'ffffffffffff', exitCode: 0 }, { ...fromDocker, container: other });
    registry.accept({ service: 'DB', hostname: 'db-main', exitCode: 0 }, reportFrom('172.17.0.5', container));
    registry.accept({ service: 'DB', hostname: 'db-other', exitCode: 0 }, reportFrom('172.17.0.9'));
    assert.deepEqual(removals(), []);
    assert.deepEqual([...registry.service('WEB')!.instances.keys()], ['0123456789ab', 'ffffffffffff']);
  });

  test("a reload to docker-health no removes its rows at once (source off), tallyman's and checker's stay; its automatic service goes", () => {
    const other = { ...container, id: 'f'.repeat(64) };
    registry.ensureService('nginx', 'docker-health');
    registry.accept({ service: 'nginx', hostname: '0123456789ab', exitCode: 0 }, fromDocker);
    registry.accept({ service: 'WEB', hostname: 'ffffffffffff', exitCode: 0 }, { ...fromDocker, container: other });
    registry.accept({ service: 'WEB', hostname: 'w-checked', exitCode: 0 }, fromChecker);
    registry.accept({ service: 'DB', hostname: 'db-1', exitCode: 0 }, reportFrom('10.0.0.2'));
    changes.length = 0;
    registry.reconfigure({ ...settings, dockerHealth: false });
    assert.deepEqual(removals().sort(), ['WEB/ffffffffffff: source off', 'nginx/0123456789ab: source off']);
    assert.equal(registry.service('nginx'), undefined);
    assert.deepEqual([...registry.service('WEB')!.instances.keys()], ['w-checked']);
    assert.equal(registry.service('WEB')!.state, 'ok');
    assert.equal(registry.service('DB')!.instances.size, 1);
    assert.equal(registry.stats().instances, 2);
  });

  test('a reload to docker-checks no removes its rows at once, and the declared service is unknown again', () => {
    registry.accept({ service: 'WEB', hostname: 'w-checked', exitCode: 0 }, fromChecker);
    registry.reconfigure({ ...settings, dockerChecks: false });
    assert.deepEqual(removals(), ['WEB/w-checked: source off']);
    assert.equal(registry.service('WEB')!.state, 'unknown');
    assert.ok(changes.some((c) => c.kind === 'service' && c.service === 'WEB' && c.to === 'unknown'));
  });

  test("an automatic service kept for another source's rows is restored for that source", () => {
    registry.ensureService('nginx', 'docker-health');
    registry.accept({ service: 'nginx', hostname: '0123456789ab', exitCode: 0 }, fromDocker);
    registry.accept({ service: 'nginx', hostname: 'ffffffffffff', exitCode: 0 }, { ...fromChecker, container: { ...container, id: 'f'.repeat(64) } });
    assert.equal(registry.snapshot().services.find((s) => s.name === 'nginx')?.automatic, 'docker-health');
    registry.reconfigure({ ...settings, dockerHealth: false });
    assert.deepEqual([...registry.service('nginx')!.instances.keys()], ['ffffffffffff']);
    assert.equal(registry.snapshot().services.find((s) => s.name === 'nginx')?.automatic, 'checker');
  });
});
