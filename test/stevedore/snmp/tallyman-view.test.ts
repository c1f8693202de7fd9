import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatOid, parseOid, rowIndex, stringIndex, ValueType, type MibView, type Oid } from '../../../src/agentx/index.js';
import type { RegistryEvent } from '../../../src/stevedore/registry/events.js';
import { Registry } from '../../../src/stevedore/registry/registry.js';
import { Sweeper } from '../../../src/stevedore/registry/sweeper.js';
import { dateAndTime } from '../../../src/stevedore/snmp/smi-values.js';
import { instanceColumns as I, scalars, serviceColumns as S, tallymanInstanceEntry, tallymanMIB, tallymanServiceEntry } from '../../../src/stevedore/snmp/tallyman-mib.js';
import { tallymanView } from '../../../src/stevedore/snmp/tallyman-view.js';
import { serviceConfig } from '../../harness/config-fixture.js';
import { reportFrom } from '../../harness/result-source.js';
import { FakeTime } from '../../harness/fake-time.js';

const svc = (name: string, column: number): Oid => [...tallymanServiceEntry, column, ...stringIndex(name)];
/** An OCTET STRING's bytes as the codec will write them (strings go out as UTF-8). */
const bytes = (value: { type: number; value?: unknown }): Buffer => {
  assert.equal(value.type, ValueType.OctetString);
  return typeof value.value === 'string' ? Buffer.from(value.value, 'utf8') : Buffer.from(value.value as Uint8Array);
};
const inst = (service: string, host: string, column: number): Oid => [...tallymanInstanceEntry, column, ...rowIndex(stringIndex(service), stringIndex(host))];

describe('TALLYMAN-MIB view of the registry', () => {
  let time: FakeTime;
  let registry: Registry;
  let view: MibView;
  let sweeper: Sweeper;

  beforeEach(() => {
    time = new FakeTime();
    registry = new Registry({ services: [serviceConfig('DB', { description: 'données' }), serviceConfig('web')], maxInstances: 100, maxOutputBytes: 4096 }, time);
    view = tallymanView(registry, time);
    sweeper = new Sweeper(registry, time);
    sweeper.start();
  });

  const walk = (): string[] => {
    const seen: string[] = [];
    let at: Oid = tallymanMIB;
    for (;;) {
      const vb = view.getNext(at, false);
      if (vb.value.type === ValueType.endOfMibView) return seen;
      seen.push(formatOid(vb.name));
      at = vb.name;
    }
  };

  test('scalars', () => {
    registry.accept({ service: 'DB', hostname: 'c1', exitCode: 0 }, reportFrom('10.0.0.2'));
    time.advance(12_340);
    assert.deepEqual(view.get([...scalars.tallymanUptime, 0]), { type: ValueType.TimeTicks, value: 1234 });
    assert.deepEqual(view.get([...scalars.tallymanReportsAccepted, 0]), { type: ValueType.Counter32, value: 1 });
    assert.deepEqual(view.get([...scalars.tallymanServiceCount, 0]), { type: ValueType.Gauge32, value: 2 });
    assert.deepEqual(view.get([...scalars.tallymanInstanceCount, 0]), { type: ValueType.Gauge32, value: 1 });
  });

  test('a service row for every declared service, with counts and description in UTF-8 bytes', () => {
    registry.accept({ service: 'DB', hostname: 'c1', exitCode: 0 }, reportFrom('a'));
    registry.accept({ service: 'DB', hostname: 'c2', exitCode: 1 }, reportFrom('a'));
    assert.deepEqual(view.get(svc('DB', S.tallymanServiceState)), { type: ValueType.Integer, value: 2 });
    assert.deepEqual(view.get(svc('web', S.tallymanServiceState)), { type: ValueType.Integer, value: 5 });
    assert.deepEqual(view.get(svc('DB', S.tallymanServiceFailing)), { type: ValueType.Gauge32, value: 1 });
    assert.deepEqual(bytes(view.get(svc('DB', S.tallymanServiceDescription))), Buffer.from('données', 'utf8'));
    assert.deepEqual(bytes(view.get(svc('web', S.tallymanServiceLastReport))), Buffer.from(dateAndTime(0)), 'never: the Unix epoch');
  });

  test('the summary is the worst service state, and the instances are counted by state over all services', () => {
    const summary = () => view.get([...scalars.tallymanSummaryState, 0]);
    registry.reconfigure({ services: [serviceConfig('DB'), serviceConfig('web')], maxInstances: 100, maxOutputBytes: 4096 });
    registry.accept({ service: 'DB', hostname: 'c1', exitCode: 0 }, reportFrom('a'));
    assert.deepEqual(summary(), { type: ValueType.Integer, value: 5 }, 'web has no instance: unknown(5)');
    registry.accept({ service: 'web', hostname: 'w1', exitCode: 0 }, reportFrom('a'));
    assert.deepEqual(summary(), { type: ValueType.Integer, value: 1 });
    registry.accept({ service: 'web', hostname: 'w2', exitCode: 1 }, reportFrom('a'));
    assert.deepEqual(summary(), { type: ValueType.Integer, value: 2 }, 'web degraded');
    registry.accept({ service: 'DB', hostname: 'c1', exitCode: 1 }, reportFrom('a'));
    assert.deepEqual(summary(), { type: ValueType.Integer, value: 3 }, 'DB failing');
    assert.deepEqual(view.get([...scalars.tallymanInstancesOk, 0]), { type: ValueType.Gauge32, value: 1 });
    assert.deepEqual(view.get([...scalars.tallymanInstancesFailing, 0]), { type: ValueType.Gauge32, value: 2 });
    assert.deepEqual(view.get([...scalars.tallymanInstancesStale, 0]), { type: ValueType.Gauge32, value: 0 });
    time.advance(95_000);
    assert.deepEqual(view.get([...scalars.tallymanInstancesStale, 0]), { type: ValueType.Gauge32, value: 3 });
    assert.deepEqual(summary(), { type: ValueType.Integer, value: 4 });
    registry.reconfigure({ services: [], maxInstances: 100, maxOutputBytes: 4096 });
    assert.deepEqual(summary(), { type: ValueType.Integer, value: 1 }, 'nothing declared: ok');
  });

  test('since when states hold, consecutive failures, duration, time-out', () => {
    const start = time.wall();
    registry.accept({ service: 'DB', hostname: 'c1', exitCode: 0 }, reportFrom('a'));
    time.advance(5_000);
    registry.accept({ service: 'DB', hostname: 'c1', exitCode: 1, durationMs: 1234.4 }, reportFrom('a'));
    time.advance(5_000);
    registry.accept({ service: 'DB', hostname: 'c1', exitCode: 124, timedOut: true, durationMs: 5000 }, reportFrom('a'));
    assert.deepEqual(bytes(view.get(inst('DB', 'c1', I.tallymanInstanceStateSince))), Buffer.from(dateAndTime(start + 5_000)));
    assert.deepEqual(bytes(view.get(svc('DB', S.tallymanServiceStateSince))), Buffer.from(dateAndTime(start + 5_000)));
    assert.deepEqual(bytes(view.get(svc('web', S.tallymanServiceStateSince))), Buffer.from(dateAndTime(start)), 'declared at start');
    assert.deepEqual(view.get(inst('DB', 'c1', I.tallymanInstanceConsecutiveFailures)), { type: ValueType.Gauge32, value: 2 });
    assert.deepEqual(view.get(inst('DB', 'c1', I.tallymanInstanceDurationMs)), { type: ValueType.Gauge32, value: 5000 });
    assert.deepEqual(view.get(inst('DB', 'c1', I.tallymanInstanceTimedOut)), { type: ValueType.Integer, value: 1 });
    registry.accept({ service: 'DB', hostname: 'c1', exitCode: 0 }, reportFrom('a'));
    assert.deepEqual(view.get(inst('DB', 'c1', I.tallymanInstanceConsecutiveFailures)), { type: ValueType.Gauge32, value: 0 });
    assert.deepEqual(view.get(inst('DB', 'c1', I.tallymanInstanceDurationMs)), { type: ValueType.Gauge32, value: 0 }, 'not said: 0');
    assert.deepEqual(view.get(inst('DB', 'c1', I.tallymanInstanceTimedOut)), { type: ValueType.Integer, value: 2 });
  });

  test('the first output line: from stdout, else stderr, without its line end', () => {
    registry.accept({ service: 'DB', hostname: 'c1', exitCode: 1, stdout: '\n  \r\nconnexion refusée\r\nsecond line\n', stderr: 'not this' }, reportFrom('a'));
    registry.accept({ service: 'DB', hostname: 'c2', exitCode: 1, stdout: '', stderr: 'ERROR 2002\nmore' }, reportFrom('a'));
    registry.accept({ service: 'DB', hostname: 'c3', exitCode: 0 }, reportFrom('a'));
    assert.deepEqual(bytes(view.get(inst('DB', 'c1', I.tallymanInstanceOutput1Line))), Buffer.from('connexion refusée'));
    assert.deepEqual(bytes(view.get(inst('DB', 'c2', I.tallymanInstanceOutput1Line))), Buffer.from('ERROR 2002'));
    assert.deepEqual(bytes(view.get(inst('DB', 'c3', I.tallymanInstanceOutput1Line))), Buffer.alloc(0));
  });

  test('a new report shows at once in the row already read: time, state since, first line', () => {
    registry.accept({ service: 'DB', hostname: 'c1', exitCode: 0, stdout: 'first' }, reportFrom('a'));
    const read = () => [I.tallymanInstanceLastReport, I.tallymanInstanceStateSince, I.tallymanInstanceOutput1Line].map((c) => bytes(view.get(inst('DB', 'c1', c))));
    const before = read();
    time.advance(10_000);
    registry.accept({ service: 'DB', hostname: 'c1', exitCode: 1, stdout: 'second' }, reportFrom('a'));
    const at = Buffer.from(dateAndTime(time.wall()));
    assert.notDeepEqual(before[0], at);
    assert.deepEqual(read(), [at, at, Buffer.from('second')]);
  });

  test('instance rows appear with the first report, without rebuilding anything by hand', () => {
    assert.equal(view.get(inst('DB', 'c1', I.tallymanInstanceState)).type, ValueType.noSuchInstance);
    registry.accept({ service: 'DB', hostname: 'c1', exitCode: 3, stdout: 'ünïcode', value: { lag: 2 } }, reportFrom('172.17.0.5'));
    assert.deepEqual(view.get(inst('DB', 'c1', I.tallymanInstanceState)), { type: ValueType.Integer, value: 3 });
    assert.deepEqual(view.get(inst('DB', 'c1', I.tallymanInstanceExitCode)), { type: ValueType.Integer, value: 3 });
    assert.deepEqual(bytes(view.get(inst('DB', 'c1', I.tallymanInstanceStdout))), Buffer.from('ünïcode'));
    assert.deepEqual(bytes(view.get(inst('DB', 'c1', I.tallymanInstanceValue))), Buffer.from('{"lag":2}'));
    assert.deepEqual(bytes(view.get(inst('DB', 'c1', I.tallymanInstanceAddress))), Buffer.from('172.17.0.5'));
    assert.deepEqual(bytes(view.get(inst('DB', 'c1', I.tallymanInstanceLastReport))), Buffer.from(dateAndTime(time.wall())));
  });

  test('age grows and the state turns stale with time alone', () => {
    registry.accept({ service: 'DB', hostname: 'c1', exitCode: 0 }, reportFrom('a'));
    time.advance(95_000);
    assert.deepEqual(view.get(inst('DB', 'c1', I.tallymanInstanceAge)), { type: ValueType.Gauge32, value: 95 });
    assert.deepEqual(view.get(inst('DB', 'c1', I.tallymanInstanceState)), { type: ValueType.Integer, value: 4 });
    assert.deepEqual(view.get(svc('DB', S.tallymanServiceState)), { type: ValueType.Integer, value: 4 });
  });

  test('a read emits nothing: an instance past its ttl turns stale, with its notification, at the sweep', () => {
    sweeper.stop();
    registry.accept({ service: 'DB', hostname: 'c1', exitCode: 0 }, reportFrom('a'));
    const events: RegistryEvent[] = [];
    registry.subscribe((e) => events.push(e));
    time.advance(95_000);
    walk();
    view.get(inst('DB', 'c1', I.tallymanInstanceState));
    assert.equal(events.length, 0);
    registry.sweep();
    assert.deepEqual(events.map((e) => [e.kind, 'to' in e ? e.to : null]), [['instance', 'stale'], ['service', 'stale']]);
    assert.deepEqual(view.get(inst('DB', 'c1', I.tallymanInstanceState)), { type: ValueType.Integer, value: 4 });
  });

  test('an expired instance vanishes from the table', () => {
    registry.accept({ service: 'DB', hostname: 'c1', exitCode: 0 }, reportFrom('a'));
    time.advance(90_000 + 3_600_000);
    assert.equal(view.get(inst('DB', 'c1', I.tallymanInstanceState)).type, ValueType.noSuchInstance);
    assert.ok(!walk().some((oid) => oid.startsWith(formatOid(tallymanInstanceEntry))));
  });

  test('a walk goes column by column, rows in index order, and ends with endOfMibView', () => {
    registry.accept({ service: 'web', hostname: 'b', exitCode: 0 }, reportFrom('a'));
    registry.accept({ service: 'DB', hostname: 'zz', exitCode: 0 }, reportFrom('a'));
    registry.accept({ service: 'DB', hostname: 'a', exitCode: 0 }, reportFrom('a'));
    const states = walk().filter((oid) => oid.startsWith(`${formatOid(tallymanInstanceEntry)}.${I.tallymanInstanceState}.`));
    // Index order: length first (RFC 2578 section 7.7), so 'DB' (2) sorts before 'web' (3), 'a' before 'zz'.
    assert.deepEqual(states, [
      formatOid(inst('DB', 'a', I.tallymanInstanceState)),
      formatOid(inst('DB', 'zz', I.tallymanInstanceState)),
      formatOid(inst('web', 'b', I.tallymanInstanceState)),
    ]);
    const last = view.getNext(parseOid(walk().at(-1)!), false);
    assert.equal(last.value.type, ValueType.endOfMibView);
  });

  test('a reload that removes a service removes its rows', () => {
    registry.accept({ service: 'web', hostname: 'w1', exitCode: 0 }, reportFrom('a'));
    registry.reconfigure({ services: [serviceConfig('DB')], maxInstances: 100, maxOutputBytes: 4096 });
    assert.equal(view.get(svc('web', S.tallymanServiceState)).type, ValueType.noSuchInstance);
    assert.equal(view.get(inst('web', 'w1', I.tallymanInstanceState)).type, ValueType.noSuchInstance);
  });
});

describe('DateAndTime (RFC 2579)', () => {
  test('11 octets in UTC with the + direction', () => {
    assert.deepEqual([...dateAndTime(Date.parse('2026-11-23T10:05:07.890Z'))], [0x07, 0xea, 11, 23, 10, 5, 7, 8, 0x2b, 0, 0]);
  });
  test('the same fields as Date gives, across leap years and day ends', () => {
    const samples = [Date.parse('2028-02-29T23:59:59.999Z'), Date.parse('2100-03-01T00:00:00.000Z'), Date.parse('2000-12-31T12:00:00.050Z'), 0];
    for (let i = 0; i < 2000; i++) samples.push(Math.floor(Math.random() * 4_102_444_800_000));
    for (const ms of samples) {
      const d = new Date(ms);
      const y = d.getUTCFullYear();
      const expected = [y >> 8, y & 0xff, d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), Math.floor(d.getUTCMilliseconds() / 100), 0x2b, 0, 0];
      assert.deepEqual([...dateAndTime(ms)], expected, d.toISOString());
    }
  });
  test('never: the Unix epoch, not eight zero octets', () => assert.deepEqual([...dateAndTime(null)], [0x07, 0xb2, 1, 1, 0, 0, 0, 0, 0x2b, 0, 0]));
});
