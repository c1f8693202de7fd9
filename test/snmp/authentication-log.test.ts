import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { freePort } from '../harness/free-port.js';
import { runWithMib } from '../harness/mib-tools.js';
import { startStevedore, type RunningStevedore } from '../harness/stevedore.js';
import { tempDir, type TempDir } from '../harness/temp-dir.js';
import { waitFor } from '../harness/wait-for.js';

const WRONG_PASSWORD = 'Not-The-Passw0rd';
const WRONG_COMMUNITY = 'Not-The-C0mmunity';

describe('the embedded agent\'s authentication failures in the log', { timeout: 60_000 }, () => {
  let dir: TempDir;
  let s: RunningStevedore;
  let agent: string;
  before(async () => {
    dir = tempDir('snmp-auth-log');
    const port = await freePort();
    agent = `udp:127.0.0.1:${port}`;
    s = await startStevedore(dir, `service DB; snmp-listen 127.0.0.1:${port}; snmp-community Right-C0mmunity; snmp-user ops { auth sha256 "right passphrase"; }`);
  });
  after(async () => {
    await s.process.stop();
    dir.remove();
  });

  const net = (args: readonly string[]) => runWithMib('snmpget', ['-t', '0.5', '-r', '0', ...args, agent, '1.3.6.1.2.1.1.5.0'], dir.file('tools-persist'));
  const failures = (): Record<string, unknown>[] => s.logLines().filter((l) => String(l.msg).startsWith('SNMP authentication failure'));

  test('a wrong password: one warning a minute per source address, naming the user, never the password or a community', async () => {
    for (let i = 0; i < 2; i++) {
      const r = await net(['-v3', '-l', 'authNoPriv', '-u', 'ops', '-a', 'SHA-256', '-A', WRONG_PASSWORD]);
      assert.notEqual(r.code, 0);
    }
    await net(['-v2c', '-c', WRONG_COMMUNITY]);
    const health = (await s.get('/v1/health')).body as { snmp: { counters: { authenticationFailures: number } } };
    assert.equal(health.snmp.counters.authenticationFailures, 3);
    const lines = await waitFor('the warning', () => (failures().length > 0 ? failures() : null));
    assert.deepEqual(lines.map((l) => [l.level, l.source, l.user]), [[40, '127.0.0.1', 'ops']]);
    assert.match(String(lines[0]?.msg), /^SNMP authentication failure from 127\.0\.0\.1: user "ops"/);
    const log = s.process.log();
    for (const secret of [WRONG_PASSWORD, 'right passphrase', WRONG_COMMUNITY, 'Right-C0mmunity']) assert.ok(!log.includes(secret), secret);
  });
});
