import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { HostnameConflict, HostnameConflictEnded, RegistryEvent } from '../../../src/stevedore/registry/events.js';
import { Registry } from '../../../src/stevedore/registry/registry.js';
import { Sweeper } from '../../../src/stevedore/registry/sweeper.js';
import { serviceConfig } from '../../harness/config-fixture.js';
import { FakeTime } from '../../harness/fake-time.js';
import { reportFrom } from '../../harness/result-source.js';

const SECOND = 1000;
const replica = (id: string, ip: string) => ({ id, name: `app-web-${id}`, image: 'web:1', ipAddresses: [ip], ports: [] });

describe('two sources reporting one instance (a hostname conflict)', () => {
  let time: FakeTime;
  let registry: Registry;
  let events: RegistryEvent[];
  const web = (exitCode: number) => ({ service: 'web', hostname: 'web', exitCode });
  const stateChanges = () => events.filter((e) => e.kind === 'instance').map((e) => (e.kind === 'instance' ? `${e.from}->${e.to}` : ''));
  const conflicts = () => events.filter((e): e is HostnameConflict => e.kind === 'conflict');

  beforeEach(() => {
    time = new FakeTime();
    registry = new Registry({ services: [serviceConfig('web', { ttlMs: 30 * SECOND })], maxInstances: 10, maxOutputBytes: 64 }, time);
    new Sweeper(registry, time).start();
    events = [];
    registry.subscribe((e) => events.push(e));
  });

  test('alternating ok and failing from two replicas: failing once, no flapping, the conflict flagged', () => {
    for (let i = 0; i < 10; i++) {
      registry.accept(web(i % 2), reportFrom(i % 2 ? '172.18.0.3' : '172.18.0.2'));
      time.advance(5 * SECOND);
    }
    assert.deepEqual(stateChanges(), ['null->ok', 'ok->failing']);
    const instance = registry.service('web')!.instances.get('web')!;
    assert.equal(instance.state, 'failing');
    assert.deepEqual(instance.conflict?.addresses, ['172.18.0.2', '172.18.0.3']);
    assert.equal(instance.reports, 10);
    assert.equal(instance.failures, 5);
  });

  test('announced when it begins and at most once a minute after, naming both sources and containers', () => {
    const began = time.wall() + 5 * SECOND;
    for (let i = 0; i < 30; i++) {
      registry.accept(web(0), reportFrom(i % 2 ? '172.18.0.3' : '172.18.0.2', replica(i % 2 ? 'b2' : 'a1', i % 2 ? '172.18.0.3' : '172.18.0.2')));
      time.advance(5 * SECOND);
    }
    // Reports at 0 .. 145 s: the conflict begins at 5 s, is announced then, at 65 s and at 125 s.
    assert.equal(conflicts().length, 3);
    const first = conflicts()[0]!;
    assert.equal(first.since, began);
    assert.deepEqual(first.sources.map((s) => [s.address, s.container]), [['172.18.0.2', 'app-web-a1'], ['172.18.0.3', 'app-web-b2']]);
    assert.deepEqual(registry.service('web')!.instances.get('web')!.conflict?.containers, ['app-web-a1', 'app-web-b2']);
    assert.deepEqual(stateChanges(), ['null->ok']);
  });

  test('over when one source has been silent for the ttl: the state follows the one left', () => {
    registry.accept(web(1), reportFrom('172.18.0.3'));
    time.advance(5 * SECOND);
    registry.accept(web(0), reportFrom('172.18.0.2'));
    assert.equal(registry.service('web')!.instances.get('web')!.state, 'failing');
    for (let i = 0; i < 7; i++) {
      time.advance(5 * SECOND);
      registry.accept(web(0), reportFrom('172.18.0.2'));
    }
    const instance = registry.service('web')!.instances.get('web')!;
    assert.equal(instance.conflict, null);
    assert.equal(instance.state, 'ok');
  });

  test('its end is announced once, naming the source left and when the conflict began', () => {
    const began = time.wall() + 5 * SECOND;
    registry.accept(web(0), reportFrom('172.18.0.3', replica('b2', '172.18.0.3')));
    time.advance(5 * SECOND);
    registry.accept(web(0), reportFrom('172.18.0.2', replica('a1', '172.18.0.2')));
    for (let i = 0; i < 12; i++) {
      time.advance(5 * SECOND);
      registry.accept(web(0), reportFrom('172.18.0.2', replica('a1', '172.18.0.2')));
    }
    // 172.18.0.3 last reported at 0 s: at 30 s it has been silent for the ttl, and the conflict is over.
    const ended = events.filter((e): e is HostnameConflictEnded => e.kind === 'conflict-ended');
    assert.deepEqual(ended, [{ kind: 'conflict-ended', service: 'web', hostname: 'web', source: { address: '172.18.0.2', container: 'app-web-a1', lastSeen: began + 25 * SECOND }, since: began }]);
    assert.equal(conflicts().length, 1);
  });

  test('one source that changes address is no conflict: not a report ttl apart, nor with the same container', () => {
    registry.accept(web(0), reportFrom('172.18.0.2'));
    time.advance(30 * SECOND);
    registry.accept(web(0), reportFrom('172.18.0.9'));
    assert.equal(registry.service('web')!.instances.get('web')!.conflict, null);
    registry.accept(web(0), reportFrom('172.18.0.9', replica('a1', '172.18.0.9')));
    registry.accept(web(0), reportFrom('172.19.0.9', replica('a1', '172.19.0.9')));
    assert.equal(registry.service('web')!.instances.get('web')!.conflict, null);
    assert.equal(conflicts().length, 0);
  });
});
