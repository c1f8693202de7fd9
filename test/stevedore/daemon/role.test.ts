import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { detachedEnvironment, processRole, workerEnvironment } from '../../../src/stevedore/process/role.js';

describe('the process role', () => {
  const options = (foreground: boolean, single: boolean) => ({ foreground, single });

  test('without -F the process started by the operator launches; the one it starts in the background serves or supervises', () => {
    assert.deepEqual(processRole(options(false, false), {}), { kind: 'launcher' });
    assert.deepEqual(processRole(options(false, false), detachedEnvironment({})), { kind: 'supervisor', detached: true });
    assert.deepEqual(processRole(options(false, true), detachedEnvironment({})), { kind: 'single', detached: true });
  });

  test('with -F: a supervisor, or with -s a single process, attached', () => {
    assert.deepEqual(processRole(options(true, false), {}), { kind: 'supervisor', detached: false });
    assert.deepEqual(processRole(options(true, true), {}), { kind: 'single', detached: false });
  });

  test('a supervisor\'s worker is a worker whatever its options say, detached when its supervisor is', () => {
    assert.deepEqual(processRole(options(false, false), workerEnvironment({})), { kind: 'worker', detached: false });
    assert.deepEqual(processRole(options(true, false), workerEnvironment(detachedEnvironment({}))), { kind: 'worker', detached: true });
  });
});
