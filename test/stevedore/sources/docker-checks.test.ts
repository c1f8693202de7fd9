import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CheckTarget } from '../../../src/checker/check-target.js';
import { checkReport } from '../../../src/stevedore/sources/docker-checks.js';

const target = { id: `0123456789ab${'c'.repeat(52)}`, imageName: 'nginx' } as CheckTarget;

describe('docker-checks: a check result as a report', () => {
  test('instance of service IMAGENAME named by the 12-character id, with the exit status and first line', () => {
    assert.deepEqual(checkReport(target, { status: 'ok', exitCode: 0, output: 'http://172.17.0.3:80/ok says ok' }), {
      service: 'nginx', hostname: '0123456789ab', exitCode: 0, timedOut: false, stdout: 'http://172.17.0.3:80/ok says ok',
    });
    assert.deepEqual(checkReport(target, { status: 'failed', exitCode: 2, output: 'no page' }), { service: 'nginx', hostname: '0123456789ab', exitCode: 2, timedOut: false, stdout: 'no page' });
  });

  test('a check that timed out fails as a timed-out report does (124)', () => {
    assert.deepEqual(checkReport(target, { status: 'timed-out', timeoutMs: 2000 }), {
      service: 'nginx', hostname: '0123456789ab', exitCode: 124, timedOut: true, stdout: 'the check timed out after 2 s',
    });
  });
});
