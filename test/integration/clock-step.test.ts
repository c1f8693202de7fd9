import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { startStevedore, type RunningStevedore } from '../harness/stevedore.js';
import { tempDir, type TempDir } from '../harness/temp-dir.js';
import { waitFor } from '../harness/wait-for.js';

// libfaketime (Debian: faketime) steps a real stevedore's system clock while it runs; monotonic
// time stays real (FAKETIME_DONT_FAKE_MONOTONIC), as it does when NTP or an operator steps it.
const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';

interface Instance {
  hostname: string;
  state: string;
  receivedAt: string;
}

describe('a real stevedore whose system clock is stepped', { timeout: 60_000 }, () => {
  let dir: TempDir;
  let offset: string;
  let s: RunningStevedore;
  const step = (to: string): void => writeFileSync(offset, `${to}\n`);
  const instances = async (service: string): Promise<Instance[]> => ((await s.get(`/v1/services/${service}`)).body as { instances: Instance[] }).instances;

  before(async () => {
    if (!existsSync(LIBFAKETIME)) throw new Error(`${LIBFAKETIME} is not installed: run 'npm run setup' as root (Debian package faketime)`);
    dir = tempDir('clock-step');
    offset = dir.file('faketime');
    step('+0s');
    s = await startStevedore(dir, 'service DB { ttl 3s; } service web { ttl 60s; }', {
      env: { LD_PRELOAD: LIBFAKETIME, FAKETIME_TIMESTAMP_FILE: offset, FAKETIME_NO_CACHE: '1', FAKETIME_DONT_FAKE_MONOTONIC: '1' },
    });
  });
  after(async () => {
    await s.process.stop();
    dir.remove();
  });

  test('stepped back an hour: a silent instance still goes stale at its ttl; new reports show the stepped time', async () => {
    assert.equal(await s.post({ service: 'DB', hostname: 'db-1', exitCode: 0 }), 204);
    step('-3600s');
    await waitFor('db-1 to go stale at its ttl, an hour of wall clock notwithstanding', async () => (await instances('DB'))[0]?.state === 'stale', 20_000);
    assert.equal(await s.post({ service: 'DB', hostname: 'db-2', exitCode: 0 }), 204);
    const shown = Date.parse((await instances('DB')).find((i) => i.hostname === 'db-2')!.receivedAt);
    assert.ok(Math.abs(Date.now() - 3_600_000 - shown) < 60_000, `receivedAt ${new Date(shown).toISOString()} follows the stepped clock`);
  });

  test('stepped forward two minutes: nothing goes stale or is removed', async () => {
    step('+0s');
    assert.equal(await s.post({ service: 'web', hostname: 'w1', exitCode: 0 }), 204);
    step('+120s');
    // A report applies every passed deadline before it is taken in: one more makes the registry look.
    assert.equal(await s.post({ service: 'web', hostname: 'w2', exitCode: 0 }), 204);
    assert.deepEqual((await instances('web')).map((i) => [i.hostname, i.state]), [['w1', 'ok'], ['w2', 'ok']]);
    const lines = s.logLines().map((l) => String(l.msg));
    assert.ok(!lines.some((m) => m.startsWith('instance web/w1') && m !== 'instance web/w1 appeared: ok'), lines.join('\n'));
  });
});
