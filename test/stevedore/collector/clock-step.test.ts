import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { requireTool } from '../../harness/require-tool.js';
import { startStevedore, type RunningStevedore } from '../../harness/stevedore.js';
import { tempDir, type TempDir } from '../../harness/temp-dir.js';
import { waitFor } from '../../harness/wait-for.js';

const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';

/**
 * A real stevedore whose wall clock the test steps (libfaketime: Date.now() follows the offset
 * written in a file; the monotonic clock stays real), as NTP or an operator stepping the
 * system clock would.
 */
describe('a wall clock stepped back an hour under a running stevedore', { timeout: 60_000 }, () => {
  let dir: TempDir;
  let s: RunningStevedore;
  let offsetFile: string;
  const report = (hostname: string): Promise<number> => s.post({ service: 'DB', hostname, exitCode: 0 });

  before(async () => {
    requireTool('faketime', 'faketime');
    if (!existsSync(LIBFAKETIME)) throw new Error(`${LIBFAKETIME} is missing: run 'npm run setup' as root (Debian package faketime)`);
    dir = tempDir('clock-step');
    offsetFile = dir.file('offset');
    writeFileSync(offsetFile, '+0s');
    s = await startStevedore(dir, 'service DB; rate-limit 1 2;', {
      env: { ...process.env, LD_PRELOAD: LIBFAKETIME, FAKETIME_TIMESTAMP_FILE: offsetFile, FAKETIME_NO_CACHE: '1', FAKETIME_DONT_FAKE_MONOTONIC: '1' },
    });
  });
  after(async () => {
    await s?.process.stop();
    dir?.remove();
  });

  test('the rate-limit refills as time passes, not as the wall clock says', async () => {
    assert.deepEqual([await report('a'), await report('b'), await report('c')], [204, 204, 429]);
    writeFileSync(offsetFile, '-3600s');
    // One token a second: a report gets in again within seconds, not after the hour.
    await waitFor('a report to be admitted again', async () => (await report('c')) === 204, 10_000, 200);
    // And the step did happen under stevedore: the report's receivedAt is an hour back.
    const db = (await s.get('/v1/services/DB')).body as { instances: { hostname: string; receivedAt: string }[] };
    const receivedAt = Date.parse(db.instances.find((i) => i.hostname === 'c')!.receivedAt);
    assert.ok(receivedAt < Date.now() - 50 * 60_000, `receivedAt ${new Date(receivedAt).toISOString()}: the wall clock was not stepped`);
  });

  test('a step forward refills nothing: the bucket just emptied stays empty', async () => {
    await waitFor('the bucket to be spent', async () => (await report('d')) === 429, 10_000, 0);
    writeFileSync(offsetFile, '+3600s');
    // Two hours on the wall clock at once: a bucket that followed it would be full (2 tokens).
    const statuses = [await report('e'), await report('f')];
    assert.ok(statuses.includes(429), `${statuses.join(', ')}: the step refilled the bucket`);
  });
});
