import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { STEVEDORE } from '../../harness/built.js';
import { requireTool } from '../../harness/require-tool.js';
import { runCli } from '../../harness/run-cli.js';
import { startStevedore } from '../../harness/stevedore.js';
import { tempDir, type TempDir } from '../../harness/temp-dir.js';
import { waitFor } from '../../harness/wait-for.js';
import { check } from './check.js';

/** Each file holds secrets in places they do not belong; none may appear in any message. */
const SECRETS = ['auth passphrase', 'priv passphrase', 'Priv-Secret-9', 'bad community with space', 'Trap Secret 7', 'Tok3n-Secret', 'Http-Secret-4', 'Etcd-Secret-5'];
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
  'http-token Http-Secret-4',
  'http-allow 127.0.0.1/32;',
  'etcd-endpoints http://ops:Etcd-Secret-5@127.0.0.1:2379;',
].join('\n');

/**
 * Leaks found by a security pass, one row each: the file, the secret it holds, and what --lint
 * prints instead (every line, file names relative; `partial`: these lines among others).
 */
interface Leak {
  leak: string;
  conf: string;
  secret: string;
  preprocessor?: string[];
  output: string[];
  partial?: true;
}

const LEAKS: Leak[] = [
  {
    leak: 'http-token is secret: a missing semicolon',
    conf: 'service DB;\nhttp-token SEKRITf1\nhttp-allow 127.0.0.1/32;\n',
    secret: 'SEKRITf1',
    output: ["leak.conf:2:20: expected ';' after 'http-token ...'"],
  },
  {
    leak: 'http-token is secret: an unclosed block',
    conf: 'service DB;\nhttp-token SEKRITf3 {\n',
    secret: 'SEKRITf3',
    output: ["leak.conf:3:1: expected '}' to close the block of 'http-token ...' opened at leak.conf:2"],
  },
  {
    leak: 'http-token is secret: its value from an m4 macro',
    conf: "m4_define(`HTTP_TOKEN', `SEKRITm5')service DB;\nhttp-token HTTP_TOKEN\n",
    secret: 'SEKRITm5',
    preprocessor: [],
    output: ["leak.conf:2:20: expected ';' after 'http-token ...'"],
  },
  {
    leak: 'a misspelt name in an snmp-user block, before a password',
    conf: 'service DB;\nsnmp-user ops { auth sha "authpass1"; prvi aes "SEKRITprivTypo" }\n',
    secret: 'SEKRITprivTypo',
    output: ["leak.conf:2:64: expected ';' after a statement the block does not take (only auth, priv)"],
  },
  {
    leak: 'a password where the name goes in an snmp-user block, without its semicolon',
    conf: 'service DB;\nsnmp-user ops { SEKRITinBlock aes }\n',
    secret: 'SEKRITinBlock',
    output: ["leak.conf:2:34: expected ';' after a statement the block does not take (only auth, priv)"],
  },
  {
    leak: 'a numeric password where the name goes in an snmp-user block',
    conf: 'service DB;\nsnmp-user ops { 1234567890 aes; }\n',
    secret: '1234567890',
    output: ['leak.conf:2:17: expected a statement name, found a number (a statement begins with its name)'],
  },
  {
    leak: 'a misspelt token with a block',
    conf: 'service DB;\ntokn SEKRITb6 {\n',
    secret: 'SEKRITb6',
    output: ["leak.conf:3:1: expected '}' to close the block of 'tokn ...' opened at leak.conf:2"],
  },
  {
    leak: 'a misspelt http-token without its semicolon',
    conf: 'service DB;\nhttp-tokn SEKRITb8\n',
    secret: 'SEKRITb8',
    output: ["leak.conf:2:19: expected ';' after 'http-tokn ...'"],
  },
  {
    leak: 'a misspelt http-token: did you mean, without the value',
    conf: 'service DB;\nhttp-tokn SEKRITb9;\n',
    secret: 'SEKRITb9',
    output: ["leak.conf:2:1: unknown statement 'http-tokn' (did you mean 'http-token'?)"],
  },
  {
    leak: 'a semicolon missing on the line before token',
    conf: 'service DB\ntoken SEKRITb2\n',
    secret: 'SEKRITb2',
    output: ["leak.conf:2:15: expected ';' after 'service DB token ...'"],
  },
  {
    leak: 'a semicolon missing between listen and token on one line',
    conf: 'service DB;\nlisten 127.0.0.1:1 token SEKRITb7\n',
    secret: 'SEKRITb7',
    output: ["leak.conf:2:34: expected ';' after 'listen 127.0.0.1:1 token ...'"],
  },
  {
    leak: 'a semicolon missing after a list, before a misspelt token',
    conf: 'service DB;\nallow 10.0.0.0/8 tokn SEKRITb10\n',
    secret: 'SEKRITb10',
    output: ["leak.conf:2:32: expected ';' after 'allow 10.0.0.0/8 tokn ...'"],
  },
  {
    leak: 'credentials in an etcd endpoint',
    conf: 'service DB;\netcd-endpoints http://user:SEKRITa52@127.0.0.1:2379;\n',
    secret: 'SEKRITa52',
    output: ["leak.conf:2:16: bad address 'http://***@127.0.0.1:2379': credentials (USER:PASSWORD@) in an address are not supported (use HOST:PORT, as 127.0.0.1:2379)"],
  },
  {
    leak: 'credentials in an argument of a non-secret statement, its semicolon missing',
    conf: 'service DB;\netcd-endpoints root:EtcdPa55@127.0.0.1:2379\nservice web { ttl 30s; }\n',
    secret: 'EtcdPa55',
    output: ["leak.conf:3:13: 'etcd-endpoints' takes no block: etcd-endpoints HOST:PORT...;", "leak.conf:2:44: expected ';' after 'etcd-endpoints ...'"],
  },
  {
    leak: 'credentials in a URL argument, its semicolon missing',
    conf: 'service DB;\netcd-endpoints http://root:EtcdPa55@127.0.0.1:2379\nservice web { ttl 30s; }\n',
    secret: 'EtcdPa55',
    output: ["leak.conf:3:13: 'etcd-endpoints' takes no block: etcd-endpoints HOST:PORT...;", "leak.conf:2:51: expected ';' after 'etcd-endpoints ...'"],
  },
  {
    leak: 'credentials where a statement name goes',
    conf: 'service DB;\nroot:EtcdPa55@127.0.0.1:2379;\n',
    secret: 'EtcdPa55',
    output: ["leak.conf:2:1: unknown statement, not repeated as it holds '@' (stevedore --config-help lists them)"],
  },
  {
    leak: 'credentials where a statement name goes, its semicolon missing',
    conf: 'service DB\nroot:EtcdPa55@127.0.0.1:2379\n',
    secret: 'EtcdPa55',
    output: ["leak.conf:2:29: expected ';' after 'service DB ...'"],
  },
  {
    leak: 'a token written in braces',
    conf: 'service DB;\ntoken { Sup3rSecretTok }\n',
    secret: 'Sup3rSecretTok',
    output: ["leak.conf:2:23: expected ';' after a statement in the block of 'token' (not repeated: it may hold a secret)"],
  },
  {
    leak: 'an http-token written in braces',
    conf: 'service DB;\nhttp-token { Sup3rSecretHttp }\n',
    secret: 'Sup3rSecretHttp',
    output: ["leak.conf:2:29: expected ';' after a statement in the block of 'http-token' (not repeated: it may hold a secret)"],
  },
  {
    leak: 'a community written in braces',
    conf: 'service DB;\nsnmp-community { Sup3rSecretComm };\n',
    secret: 'Sup3rSecretComm',
    output: ["leak.conf:2:33: expected ';' after a statement in the block of 'snmp-community' (not repeated: it may hold a secret)"],
  },
  {
    leak: 'an auth password written in braces',
    conf: 'service DB;\nsnmp-user ops { auth sha256 { AuthPa55word } }\n',
    secret: 'AuthPa55word',
    output: ["leak.conf:2:43: expected ';' after a statement in the block of 'auth ...' (not repeated: it may hold a secret)"],
  },
  {
    leak: 'a token in braces within braces, the block left open',
    conf: 'service DB;\ntoken { x { Sup3rNested\n',
    secret: 'Sup3rNested',
    output: ["leak.conf:2:24: expected ';' after a statement in the block of 'token' (not repeated: it may hold a secret)"],
  },
  {
    leak: 'a word refused as an address: a credential after the endpoints',
    conf: 'service DB;\netcd-endpoints 127.0.0.1:2379 --user root:EtcdPa55;\n',
    secret: 'EtcdPa55',
    output: [
      'leak.conf:2:31: bad address, not repeated as it may be a secret (use HOST:PORT, as 127.0.0.1:2379)',
      'leak.conf:2:38: bad address, not repeated as it may be a secret: the port must be a number from 1 to 65535 (use HOST:PORT, as 127.0.0.1:2379)',
    ],
  },
  {
    leak: "a password in an address's query",
    conf: 'service DB;\netcd-endpoints https://127.0.0.1:2379/?password=EtcdPa55;\n',
    secret: 'EtcdPa55',
    output: ["leak.conf:2:16: bad address 'https://127.0.0.1:2379...' (use HOST:PORT, as 127.0.0.1:2379)"],
  },
  {
    leak: "a password where an address's port goes",
    conf: 'service DB;\netcd-endpoints etcd.example.com:EtcdPa55;\n',
    secret: 'EtcdPa55',
    output: ["leak.conf:2:16: bad address 'etcd.example.com:...': the port must be a number from 1 to 65535 (use HOST:PORT, as 127.0.0.1:2379)"],
  },
  {
    leak: 'a password refused with its auth: no second error that priv needs auth',
    conf: 'service DB;\nsnmp-user ops { auth sha265 "longenough1"; priv aes "longenough2"; }\n',
    secret: 'longenough',
    output: ['leak.conf:2:22: snmp-user ops: auth takes PROTOCOL PASSWORD (sha, sha256 or sha512, then the password): its first argument is not a protocol'],
  },
  {
    leak: 'an auth password too short: no second error that priv needs auth',
    conf: 'service DB;\nsnmp-user ops { auth sha256 Sh0rt; priv aes "longenough2"; }\n',
    secret: 'Sh0rt',
    output: ["leak.conf:2:29: snmp-user 'ops': the auth password is too short (at least 8 characters)"],
  },
  {
    leak: "cpp's source excerpts",
    conf: 'service DB;\nhttp-token "SEKRITcpp1;\n#include "missing.h"\n',
    secret: 'SEKRITcpp1',
    preprocessor: ['--preprocessor=cpp -P'],
    output: ["leak.conf: preprocessor 'cpp -P' exited with status 1", 'leak.conf: preprocessor: leak.conf:3:10: fatal error: missing.h: No such file or directory'],
    partial: true,
  },
  {
    leak: "m4's eval expression",
    conf: 'service DB;\nm4_eval(SEKRITm4)\n',
    secret: 'SEKRITm4',
    preprocessor: [],
    output: ['leak.conf:2: m4: bad expression in eval (the expression is not repeated)'],
  },
  {
    leak: "m4's eval expression holding what looks like m4's FILE:LINE:",
    conf: 'service DB;\nm4_eval(1:2: SEKRITcolon)\n',
    secret: 'SEKRITcolon',
    preprocessor: [],
    output: ['leak.conf:2: m4: bad expression in eval (bad input) (the expression is not repeated)'],
  },
  {
    leak: "m4's eval expression, m4 run as the operator's command",
    conf: "service DB;\nm4_eval(SEKRITcmd)\nm4_include(`missing.m4')\n",
    secret: 'SEKRITcmd',
    preprocessor: ['--preprocessor=m4 -P -s'],
    output: [
      "leak.conf: preprocessor 'm4 -P -s' exited with status 1",
      'leak.conf: preprocessor: m4:leak.conf:2: bad expression in eval (the expression is not repeated)',
      "leak.conf: preprocessor: m4:leak.conf:3: cannot open `missing.m4': No such file or directory",
    ],
  },
  {
    leak: "m4's regular expression",
    conf: "service DB;\nm4_regexp(`abc', `[SEKRITre')\n",
    secret: 'SEKRITre',
    preprocessor: [],
    output: ['leak.conf:2: m4: bad regular expression (not repeated): Unmatched [, [^, [:, [., or [='],
  },
];

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
      "test.conf:10:25: expected ';' after 'http-token ...'",
      "test.conf:12:16: bad address 'http://***@127.0.0.1:2379': credentials (USER:PASSWORD@) in an address are not supported (use HOST:PORT, as 127.0.0.1:2379)",
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

    for (const { leak, conf, secret, preprocessor, output, partial } of LEAKS) {
      test(`--lint: ${leak}`, async () => {
        if (preprocessor?.some((arg) => arg.includes('cpp'))) requireTool('cpp', 'cpp');
        if (preprocessor?.length === 0 || preprocessor?.some((arg) => arg.includes('m4'))) requireTool('m4', 'm4');
        writeFileSync(dir.file('leak.conf'), conf);
        const args = [STEVEDORE, '--lint', ...(preprocessor ?? ['--no-preprocessor']), '-f', dir.file('leak.conf')];
        const r = await runCli(process.execPath, args, { cwd: dir.path });
        const printed = (r.stdout.toString() + r.stderr.toString()).split(`${dir.path}/`).join('');
        assert.equal(r.code, 1, printed);
        assert.ok(!printed.includes(secret), `'${secret}' in:\n${printed}`);
        const lines = printed.split('\n').filter((line) => line !== '');
        if (partial) for (const line of output) assert.ok(lines.includes(line), `'${line}' not in:\n${printed}`);
        else assert.deepEqual(lines, output);
      });
    }

    test('a refusal at start-up prints no secret', async () => {
      writeFileSync(dir.file('start.conf'), 'service DB;\nhttp-token SEKRITstart {\n');
      const r = await runCli(process.execPath, [STEVEDORE, '-F', '-s', '--no-preprocessor', '-f', dir.file('start.conf')], { cwd: dir.path });
      const printed = (r.stdout.toString() + r.stderr.toString()).split(`${dir.path}/`).join('');
      assert.equal(r.code, 1, printed);
      assert.ok(printed.includes("start.conf:3:1: expected '}' to close the block of 'http-token ...' opened at start.conf:2"), printed);
      assert.ok(!printed.includes('SEKRITstart'), printed);
    });

    test('a refused reload logs no secret', async () => {
      const s = await startStevedore(dir, 'service DB;');
      try {
        s.rewrite(BROKEN);
        process.kill(s.process.pid, 'SIGHUP');
        await waitFor('the refusal in the log', () => s.logLines().some((l) => String(l.msg).startsWith('configuration reload refused')));
        await waitFor('the errors in the log', () => s.process.log().includes('its first argument is not a protocol'));
        assertNoSecret(s.process.log());
        // A syntax error, where no statement is known yet: a ';' missing before token.
        const refusals = (): number => s.logLines().filter((l) => String(l.msg).startsWith('configuration reload refused')).length;
        s.rewrite('service DB\ntoken SEKRITreload\n');
        process.kill(s.process.pid, 'SIGHUP');
        await waitFor('the second refusal in the log', () => refusals() === 2);
        await waitFor('its error in the log', () => s.process.log().includes("expected ';' after 'service DB token ...'"));
        assert.ok(!s.process.log().includes('SEKRITreload'), s.process.log());
        // A secret written in braces: no word of the block is shown.
        s.rewrite('service DB;\nhttp-token { SEKRITbraces }\n');
        process.kill(s.process.pid, 'SIGHUP');
        await waitFor('the third refusal in the log', () => refusals() === 3);
        await waitFor('its error in the log', () => s.process.log().includes("expected ';' after a statement in the block of 'http-token' (not repeated: it may hold a secret)"));
        assert.ok(!s.process.log().includes('SEKRITbraces'), s.process.log());
      } finally {
        assert.equal((await s.process.stop()).code, 0);
      }
    });
  });
});
