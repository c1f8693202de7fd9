import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startStevedore, type RunningStevedore } from '../../harness/stevedore.js';
import { tempDir, type TempDir } from '../../harness/temp-dir.js';
import { waitFor } from '../../harness/wait-for.js';

describe('SIGHUP and the settings that wait for a restart', { timeout: 60_000 }, () => {
  let dir: TempDir;
  let s: RunningStevedore;
  before(async () => {
    dir = tempDir('reload');
    s = await startStevedore(dir, 'service DB; max-connections 100; snmp-trap-sink 127.0.0.1:1162;');
  });
  after(async () => {
    await s.process.stop();
    dir.remove();
  });

  /** Reloads `config`; the warning about restart-only settings it logged, or null. */
  async function reloadWith(config: string, services: string): Promise<unknown> {
    const before = s.logLines().length;
    s.rewrite(config);
    process.kill(s.process.pid, 'SIGHUP');
    await waitFor('the reload', () => s.logLines().slice(before).some((l) => l.msg === `configuration reloaded: ${services}`));
    return s.logLines().slice(before).find((l) => String(l.msg).endsWith('take effect at the next restart'))?.settings ?? null;
  }

  test('the start and reload lines count services as English does', () => {
    assert.ok(s.logLines().some((l) => String(l.msg).startsWith('stevedore ') && String(l.msg).includes(' serving 1 service from ')), s.process.log());
  });

  test('every reload names every restart-only change still pending, compared with what the process started with', async () => {
    const sink = 'snmp-trap-sink 127.0.0.1:1162;';
    assert.deepEqual(await reloadWith(`service DB; max-connections 200; ${sink}`, '1 service'), ['max-connections']);
    assert.deepEqual(await reloadWith(`service DB; service web; max-connections 200; pidfile pid; ${sink}`, '2 services'), ['max-connections', 'pidfile']);
    // The sink on another line is the same sink.
    assert.equal(await reloadWith(`service DB; service web; service cache; max-connections 100;\n\n${sink}`, '3 services'), null, 'back to the started values: nothing pending');
  });
});
