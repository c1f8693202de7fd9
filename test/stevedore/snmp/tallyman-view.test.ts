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
    assert.deepEqual(bytes(view.get(svc('web', S.tallymanServiceLastReport))), Buffer.alloc(8));
  });

  test('instance rows appear with the first report, without rebuilding anything by hand', () => {
    assert.equal(view.get(inst('DB', 'c1', I.tallymanInstanceState)).type, ValueType.noSuchInstance);
    registry.accept({ service: 'DB', hostname: 'c1', exitCode: 3, stdout: 'ünïcode', value: { lag: 2 } }, reportFrom('172.17.0.5'));
    assert.deepEqual(view.get(inst('DB', 'c1', I.tallymanInstanceState)), { type: ValueType.Integer, value: 3 });
    assert.deepEqual(view.get(inst('DB', 'c1', I.tallymanInstanceExitCode)), { type: ValueType.Integer, value: 3 });
    assert.deepEqual(bytes(view.get(inst('DB', 'c1', I.tallymanInstanceStdout))), Buffer.from('ünïcode'));
    assert.deepEqual(bytes(view.get(inst('DB', 'c1', I.tallymanInstanceValue))), Buffer.from('{"lag":2}'));
    assert.deepEqual(bytes(view.get(inst('DB', 'c1', I.tallymanInstanceAddress))), Buffer.from('172.17.0.5'));
    assert.deepEqual(bytes(view.get(inst('DB', 'c1', I.tallymanInstanceLastReport))), dateAndTime(time.wall()));
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
  test('never: eight zero octets', () => assert.deepEqual(dateAndTime(null), Buffer.alloc(8)));
});
