import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { Registry } from '../../src/stevedore/registry/registry.js';
import { logRegistryEvent } from '../../src/stevedore/state-log.js';
import { serviceConfig } from '../harness/config-fixture.js';
import { FakeTime } from '../harness/fake-time.js';
import { reportFrom } from '../harness/result-source.js';

const SECOND = 1000;

test('a hostname conflict is logged when it begins and once when it ends, naming the source left', () => {
  const time = new FakeTime();
  const lines: { level: number; msg: string }[] = [];
  const log = pino({ level: 'info' }, new Writable({ write: (c: Buffer, _e, done) => (lines.push(JSON.parse(c.toString())), done()) }));
  const registry = new Registry({ services: [serviceConfig('web', { ttlMs: 30 * SECOND })], maxInstances: 10, maxOutputBytes: 64 }, time);
  registry.subscribe((event) => logRegistryEvent(log, event));
  const began = new Date(time.wall() + 5 * SECOND).toISOString();
  registry.accept({ service: 'web', hostname: 'web', exitCode: 0 }, reportFrom('172.18.0.3'));
  for (let i = 0; i < 12; i++) {
    time.advance(5 * SECOND);
    registry.accept({ service: 'web', hostname: 'web', exitCode: 0 }, reportFrom('172.18.0.2'));
  }
  const conflictLines = lines.filter((l) => l.msg.includes('source')).map((l) => [l.level, l.msg]);
  assert.deepEqual(conflictLines, [
    [40, 'instance web/web is reported by 2 sources: 172.18.0.3, 172.18.0.2; its state is the worst of theirs until one is left (give each replica its own hostname) (logged once a minute)'],
    [30, `instance web/web is reported by one source again: 172.18.0.2; the conflict since ${began} is over`],
  ]);
});
