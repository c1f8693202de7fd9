import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { STEVEDORE } from '../../harness/built.js';
import { runCli } from '../../harness/run-cli.js';
import { startStevedore } from '../../harness/stevedore.js';
import { tempDir, type TempDir } from '../../harness/temp-dir.js';
import { waitFor } from '../../harness/wait-for.js';
import { check } from './check.js';

/** Each file holds secrets in places they do not belong; none may appear in any message. */
const SECRETS = ['auth passphrase', 'priv passphrase', 'Priv-Secret-9', 'bad community with space', 'Trap Secret 7', 'Tok3n-Secret'];
const BROKEN = [
  'service DB;',
  'snmp-listen 127.0.0.1:1161;',
  'snmp-user ops { auth "auth passphrase" sha256; priv aes "priv passphrase"; }',
  'snmp-user dev { auth sha256 authpass1; priv "Priv-Secret-9" aes; }',
  'snmp-community "bad community with space";',
  'snmp-trap-sink 127.0.0.1 "Trap Secret 7";',
  'snmp-trap-sink "Trap Secret 7" public;',
  'token "Tok3n-Secret"',
  'ttl 5s;',
].join('\n');

function assertNoSecret(text: string): void {
  for (const secret of SECRETS) assert.ok(!text.includes(secret), `'${secret}' in:\n${text}`);
}

describe('secrets in configuration errors', () => {
  test('every mistake is reported by position and expectation, without the text given', async () => {
    const { errors } = await check(`${BROKEN}\n`);
    assert.deepEqual(errors, [
      'test.conf:3:22: snmp-user ops: auth takes PROTOCOL PASSWORD (sha, sha256 or sha512, then the password): its first argument is not a protocol',
      'test.conf:4:45: snmp-user dev: priv takes PROTOCOL PASSWORD (aes or aes256, then the password): its first argument is not a protocol',
      "test.conf:5:16: 'snmp-community' takes NAME or none: its argument is not a community (1 to 64 visible ASCII characters)",
      "test.conf:6:26: 'snmp-trap-sink' takes HOST[:PORT] COMMUNITY or HOST[:PORT] user NAME: its second argument is not a community (1 to 64 visible ASCII characters)",
      "test.conf:7:16: 'snmp-trap-sink' takes HOST[:PORT] COMMUNITY or HOST[:PORT] user NAME: its first argument is not HOST[:PORT] (as 192.0.2.1:162 or [::1]:162)",
      "test.conf:8:21: expected ';' after 'token ...'",
      "test.conf:3:1: snmp-user 'ops': priv needs auth (the USM encrypts only authenticated messages)",
    ]);
  });

  test('a password where a statement name belongs in an snmp-user block is not repeated', async () => {
    const { errors } = await check('service DB;\nsnmp-user ops { "auth passphrase" sha; }\n');
    assert.deepEqual(errors, [
      'test.conf:2:17: expected a statement name, found a quoted string (a statement begins with its name, unquoted)',
    ]);
    const unquoted = await check('service DB;\nsnmp-user dev { Priv-Secret-9 aes; }\n');
    assert.deepEqual(unquoted.errors, ['test.conf:2:17: unknown statement: this block takes only auth, priv, each followed by its arguments']);
  });

  test("snmp-trap-sink HOST user; without NAME is an error, not the community 'user'", async () => {
    const { errors } = await check('service DB;\nsnmp-trap-sink 127.0.0.1 user;\n');
    assert.deepEqual(errors, ["test.conf:2:30: 'snmp-trap-sink' takes HOST[:PORT] COMMUNITY or HOST[:PORT] user NAME: NAME is missing after 'user' (the snmp-user to send as)"]);
  });

  describe('through the built stevedore', { timeout: 60_000 }, () => {
    let dir: TempDir;
    before(() => (dir = tempDir('secrets')));
    after(() => dir.remove());

    test('--lint prints no secret', async () => {
      writeFileSync(dir.file('broken.conf'), `${BROKEN}\n`);
      const r = await runCli(process.execPath, [STEVEDORE, '--lint', '--no-preprocessor', '-f', dir.file('broken.conf')], {});
      assert.equal(r.code, 1);
      assert.match(r.stderr.toString(), /its first argument is not a protocol/);
      assertNoSecret(r.stdout.toString() + r.stderr.toString());
    });

    test('a refused reload logs no secret', async () => {
      const s = await startStevedore(dir, 'service DB;');
      try {
        s.rewrite(BROKEN);
        process.kill(s.process.pid, 'SIGHUP');
        await waitFor('the refusal in the log', () => s.logLines().some((l) => String(l.msg).startsWith('configuration reload refused')));
        await waitFor('the errors in the log', () => s.process.log().includes('its first argument is not a protocol'));
        assertNoSecret(s.process.log());
      } finally {
        assert.equal((await s.process.stop()).code, 0);
      }
    });
  });
});
