import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatOid, rowIndex, stringIndex, ValueType } from '../../../src/agentx/index.js';
import { isStateChange } from '../../../src/stevedore/registry/events.js';
import { Registry } from '../../../src/stevedore/registry/registry.js';
import { notificationFor, type Notification } from '../../../src/stevedore/snmp/notifications.js';
import { instanceColumns as I, notifications, notifyObjects as N, serviceColumns as S, tallymanInstanceEntry, tallymanServiceEntry } from '../../../src/stevedore/snmp/tallyman-mib.js';
import { serviceConfig } from '../../harness/config-fixture.js';
import { FakeTime } from '../../harness/fake-time.js';
import { reportFrom } from '../../harness/result-source.js';

/** A notification as `OID = value` lines, octets as text. */
function show(n: Notification): string[] {
  return [
    `trap ${formatOid(n.trapOid)}`,
    ...n.varbinds.map((vb) => {
      const v = vb.value as { type: number; value: unknown };
      const value = v.type === ValueType.OctetString ? Buffer.from(v.value as string | Uint8Array).toString('utf8') : String(v.value);
      return `${formatOid(vb.name)} = ${value}`;
    }),
  ];
}

const dot = (...parts: (readonly number[])[]): string => parts.map((p) => formatOid(p)).join('.');
const instanceIndex = (s: string, h: string): readonly number[] => rowIndex(stringIndex(s), stringIndex(h));

describe('TALLYMAN-MIB notifications from registry changes', () => {
  let time: FakeTime;
  let registry: Registry;
  let sent: string[][];

  beforeEach(() => {
    time = new FakeTime();
    registry = new Registry({ services: [serviceConfig('DB'), serviceConfig('web')], maxInstances: 100, maxOutputBytes: 4096 }, time);
    sent = [];
    registry.subscribe((event) => {
      if (!isStateChange(event)) return;
      const n = notificationFor(event);
      if (n) sent.push(show(n));
    });
  });

  test('an instance that starts failing: names, new and previous state, exit code, first output line', () => {
    registry.accept({ service: 'DB', hostname: 'c1', exitCode: 0 }, reportFrom('a'));
    sent.length = 0;
    registry.accept({ service: 'DB', hostname: 'c1', exitCode: 2, stdout: '\nconnexion refusée\nsecond\n' }, reportFrom('a'));
    const row = instanceIndex('DB', 'c1');
    assert.deepEqual(sent[0], [
      `trap ${formatOid(notifications.tallymanInstanceStateChange)}`,
      `${dot(tallymanInstanceEntry, [I.tallymanInstanceState], row)} = 3`,
      `${dot(tallymanInstanceEntry, [I.tallymanInstanceExitCode], row)} = 2`,
      `${dot(N.tallymanNotifyServiceName)}.0 = DB`,
      `${dot(N.tallymanNotifyInstanceName)}.0 = c1`,
      `${dot(N.tallymanNotifyPrevInstanceState)}.0 = 1`,
      `${dot(tallymanInstanceEntry, [I.tallymanInstanceOutput1Line], row)} = connexion refusée`,
    ]);
    assert.deepEqual(sent[1], [
      `trap ${formatOid(notifications.tallymanServiceStateChange)}`,
      `${dot(tallymanServiceEntry, [S.tallymanServiceState], stringIndex('DB'))} = 3`,
      `${dot(N.tallymanNotifyServiceName)}.0 = DB`,
      `${dot(N.tallymanNotifyPrevServiceState)}.0 = 1`,
    ]);
  });

  test('an instance that appears has no previous state: none(0)', () => {
    registry.accept({ service: 'web', hostname: 'w1', exitCode: 0 }, reportFrom('a'));
    assert.equal(sent[0]![5], `${dot(N.tallymanNotifyPrevInstanceState)}.0 = 0`);
    assert.equal(sent[1]![3], `${dot(N.tallymanNotifyPrevServiceState)}.0 = 5`, 'web was unknown(5)');
  });

  test('tallymanInstanceRemoved says why: expired(1), serviceRemoved(4)', () => {
    registry.accept({ service: 'DB', hostname: 'c1', exitCode: 0 }, reportFrom('a'));
    registry.accept({ service: 'web', hostname: 'w1', exitCode: 1 }, reportFrom('a'));
    sent.length = 0;
    time.advance(90_000 + 3_600_000);
    registry.sweep();
    const removed = (host: string) => sent.find((n) => n[0] === `trap ${formatOid(notifications.tallymanInstanceRemoved)}` && n[2]!.endsWith(`= ${host}`));
    assert.deepEqual(removed('c1'), [
      `trap ${formatOid(notifications.tallymanInstanceRemoved)}`,
      `${dot(N.tallymanNotifyServiceName)}.0 = DB`,
      `${dot(N.tallymanNotifyInstanceName)}.0 = c1`,
      `${dot(N.tallymanNotifyPrevInstanceState)}.0 = 4`,
      `${dot(N.tallymanNotifyRemovalReason)}.0 = 1`,
    ]);
    registry.accept({ service: 'web', hostname: 'w2', exitCode: 1 }, reportFrom('a'));
    sent.length = 0;
    registry.reconfigure({ services: [serviceConfig('DB')], maxInstances: 100, maxOutputBytes: 4096 });
    assert.deepEqual(removed('w2')!.slice(3), [`${dot(N.tallymanNotifyPrevInstanceState)}.0 = 3`, `${dot(N.tallymanNotifyRemovalReason)}.0 = 4`]);
    assert.ok(!sent.some((n) => n[0] === `trap ${formatOid(notifications.tallymanServiceStateChange)}`), 'the removed service itself sends none');
  });

  test('tallymanInstanceRemoved says why: replaced(5), sourceOff(6)', () => {
    const container = { id: 'c'.repeat(64), name: 'web-1', image: 'nginx', ipAddresses: ['172.17.0.5'], ports: [] };
    const fromDocker = { origin: 'docker-health', address: '172.17.0.5', container } as const;
    registry.reconfigure({ services: [serviceConfig('DB'), serviceConfig('web')], maxInstances: 100, maxOutputBytes: 4096, dockerHealth: true });
    registry.accept({ service: 'web', hostname: 'cccccccccccc', exitCode: 0 }, fromDocker);
    registry.accept({ service: 'DB', hostname: 'db-main', exitCode: 0 }, reportFrom('172.17.0.5', container));
    const reason = (host: string) => sent.find((n) => n[0] === `trap ${formatOid(notifications.tallymanInstanceRemoved)}` && n[2]!.endsWith(`= ${host}`))?.[4];
    assert.equal(reason('cccccccccccc'), `${dot(N.tallymanNotifyRemovalReason)}.0 = 5`);
    registry.accept({ service: 'web', hostname: 'w-2', exitCode: 0 }, { ...fromDocker, container: { ...container, id: 'd'.repeat(64) } });
    registry.reconfigure({ services: [serviceConfig('DB'), serviceConfig('web')], maxInstances: 100, maxOutputBytes: 4096, dockerHealth: false });
    assert.equal(reason('w-2'), `${dot(N.tallymanNotifyRemovalReason)}.0 = 6`);
  });
});
