import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import pino from 'pino';
import { SAVE_INTERVAL_MS, StateFile } from '../../../src/stevedore/persistence/state-file.js';
import { Registry } from '../../../src/stevedore/registry/registry.js';
import { serviceConfig } from '../../harness/config-fixture.js';
import { FakeTime } from '../../harness/fake-time.js';
import { reportFrom } from '../../harness/result-source.js';
import { tempDir, type TempDir } from '../../harness/temp-dir.js';

let dir: TempDir;
before(() => (dir = tempDir('state-saving')));
after(() => dir.remove());

const hostnames = (path: string): string[] =>
  (JSON.parse(readFileSync(path, 'utf8')) as { services: { instances: { hostname: string }[] }[] }).services.flatMap((s) => s.instances.map((i) => i.hostname));

test('the state file is written on the injected timer when something changed, and at stop', async () => {
  const time = new FakeTime();
  const registry = new Registry({ services: [serviceConfig('DB')], maxInstances: 10, maxOutputBytes: 64 }, time);
  const path = dir.file('state.json');
  const file = new StateFile(path, registry, time, pino({ level: 'silent' }));
  file.start();
  registry.accept({ service: 'DB', hostname: 'c1', exitCode: 0 }, reportFrom('10.0.0.2'));
  assert.ok(!existsSync(path), 'nothing is written before the interval');
  time.advance(SAVE_INTERVAL_MS);
  await file.save(); // runs after the save the timer started
  assert.deepEqual(hostnames(path), ['c1']);
  const written = statSync(path).ino;
  time.advance(SAVE_INTERVAL_MS);
  await file.save();
  assert.equal(statSync(path).ino, written, 'nothing changed: not written again');
  registry.accept({ service: 'DB', hostname: 'c2', exitCode: 0 }, reportFrom('10.0.0.3'));
  assert.equal(await file.stop(), true);
  assert.deepEqual(hostnames(path), ['c1', 'c2']);
  assert.equal(time.pending, 0, 'stop leaves no timer');
});
