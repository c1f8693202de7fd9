import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { STEVEDORE } from '../../harness/built.js';
import { requireTool } from '../../harness/require-tool.js';
import { runCli } from '../../harness/run-cli.js';
import { tempDir } from '../../harness/temp-dir.js';
import { check, M4 } from './check.js';

describe('include FILE;', () => {
  test('is relative to the including file, through directories, without m4', async () => {
    const result = await check({
      'test.conf': 'include conf.d/services.conf;\nttl 2m;\n',
      'conf.d/services.conf': 'service DB;\ninclude more/web.conf;\n',
      'conf.d/more/web.conf': 'service web { ttl 10s; }\nstate-file web.state;\n',
    });
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.config?.services.map((s) => [s.name, s.ttlMs, s.declaredAt.file]), [
      ['DB', 120_000, 'conf.d/services.conf'],
      ['web', 10_000, 'conf.d/more/web.conf'],
    ]);
    assert.equal(result.config?.stateFile, 'conf.d/more/web.state');
    assert.deepEqual(result.config?.files, ['test.conf', 'conf.d/services.conf', 'conf.d/more/web.conf']);
  });

  test('works inside a service block', async () => {
    const result = await check({ 'test.conf': 'service DB { include db.conf; }\n', 'db.conf': 'ttl 5s;\ndescription "from db.conf";\n' });
    assert.deepEqual(result.config?.services.map((s) => [s.name, s.ttlMs, s.description]), [['DB', 5000, 'from db.conf']]);
  });

  test('goes through m4 like the main file, and can be named by an m4 macro', async () => {
    requireTool('m4', 'm4');
    const result = await check(
      { 'test.conf': "m4_define(`PART', `part.conf')m4_dnl\ninclude PART;\n", 'part.conf': "m4_define(`N', `DB')m4_dnl\nservice N;\nttl 5x;\n" },
      M4,
    );
    assert.deepEqual(result.errors, ["part.conf:3:5: bad duration '5x' (use 30s, 5m, 2h)"]);
  });

  test('a file that includes itself', async () => {
    const result = await check('service DB;\ninclude test.conf;\n');
    assert.deepEqual(result.errors, ['test.conf:2:9: include loop: test.conf -> test.conf']);
    assert.deepEqual(result.codes, ['CONFIG_INCLUDE_LOOP']);
  });

  test('a loop through other files, named in order', async () => {
    const result = await check({ 'test.conf': 'service DB;\ninclude a.conf;\n', 'a.conf': 'include sub/b.conf;\n', 'sub/b.conf': 'include ../a.conf;\n' });
    assert.deepEqual(result.errors, ['sub/b.conf:1:9: include loop: a.conf -> sub/b.conf -> a.conf']);
  });

  test('the same file twice, side by side, is no loop: its services are duplicates', async () => {
    const result = await check({ 'test.conf': 'include s.conf;\ninclude s.conf;\n', 's.conf': 'service DB;\n' });
    assert.deepEqual(result.errors, ["s.conf:1:9: service 'DB' already defined at s.conf:1"]);
  });

  test('a missing file, and the rest of the configuration still checked', async () => {
    const result = await check('service DB;\ninclude nowhere.conf;\nttl 5x;\n');
    assert.deepEqual(result.errors, [
      "test.conf:2:9: cannot include 'nowhere.conf' (nowhere.conf): no such file",
      "test.conf:3:5: bad duration '5x' (use 30s, 5m, 2h)",
    ]);
  });

  test('a syntax error in an included file, with the errors of the main file', async () => {
    const result = await check({ 'test.conf': 'include bad.conf;\nlog-level loud;\n', 'bad.conf': 'service DB {\n' });
    assert.deepEqual(result.errors, [
      "test.conf:2:11: bad log level 'loud' (use trace, debug, info, warn or error)",
      "bad.conf:2:1: expected '}' to close the block of 'service DB' opened at bad.conf:1",
    ]);
  });

  test('takes exactly one FILE and no block', async () => {
    const result = await check('service DB;\ninclude;\ninclude a.conf b.conf;\ninclude c.conf { }\ninclude d.conf\nservice web;\n');
    assert.deepEqual(result.errors, [
      "test.conf:2:8: 'include' needs FILE: include FILE;",
      "test.conf:3:16: 'include' takes one argument: include FILE;",
      "test.conf:4:16: 'include' takes no block: include FILE;",
      "test.conf:5:15: expected ';' after 'include d.conf'",
    ]);
  });

  test('a FIFO, a directory or a device is refused by name: --lint ends with the errors, through m4 or not', async () => {
    const dir = tempDir('include-special');
    try {
      execFileSync('mkfifo', [dir.file('pipe.conf')]);
      mkdirSync(dir.file('conf.d'));
      writeFileSync(dir.file('main.conf'), 'service DB;\ninclude pipe.conf;\ninclude conf.d;\ninclude /dev/zero;\n');
      for (const preprocessor of ['--no-preprocessor', '--preprocessor=cat']) {
        // Killed after 20 s if it hangs, as it did when it opened the FIFO and waited for a writer.
        const r = await runCli(process.execPath, [STEVEDORE, '--lint', preprocessor, '-f', dir.file('main.conf')], { timeout: 20_000, killSignal: 'SIGKILL' });
        assert.equal(r.code, 1, `${preprocessor}: ${r.stderr.toString()}`);
        assert.deepEqual(r.stderr.toString().split(`${dir.path}/`).join('').trimEnd().split('\n'), [
          "main.conf:2:9: cannot include 'pipe.conf' (pipe.conf): it is a FIFO (named pipe), not a regular file",
          "main.conf:3:9: cannot include 'conf.d' (conf.d): it is a directory, not a regular file",
          "main.conf:4:9: cannot include '/dev/zero' (/dev/zero): it is a character device, not a regular file",
        ]);
      }
    } finally {
      dir.remove();
    }
  });

  test('an m4_include of a FIFO is refused by name before m4 opens it', async () => {
    const dir = tempDir('m4-include-fifo');
    try {
      execFileSync('mkfifo', [dir.file('pipe.conf')]);
      writeFileSync(dir.file('part.conf'), "# m4_include(`nothing.conf')\nservice web;\nm4_include(`pipe.conf')\n");
      writeFileSync(dir.file('main.conf'), "service DB;\nm4_include(`part.conf')\n");
      // Killed after 20 s if it hangs; m4 itself would wait for a writer until its 10 s limit.
      const r = await runCli(process.execPath, [STEVEDORE, '--lint', '-f', dir.file('main.conf')], { timeout: 20_000, killSignal: 'SIGKILL' });
      assert.equal(r.code, 1, r.stderr.toString());
      assert.equal(r.stderr.toString().split(`${dir.path}/`).join(''), "part.conf:3: cannot include 'pipe.conf' (pipe.conf): it is a FIFO (named pipe), not a regular file\n");
    } finally {
      dir.remove();
    }
  });

  test('a main file that is a FIFO is refused by name, before m4 is given it', async () => {
    requireTool('m4', 'm4');
    const dir = tempDir('main-fifo');
    try {
      execFileSync('mkfifo', [dir.file('stevedore.conf')]);
      const r = await runCli(process.execPath, [STEVEDORE, '--lint', '-f', dir.file('stevedore.conf')], { timeout: 20_000, killSignal: 'SIGKILL' });
      assert.equal(r.code, 1);
      assert.equal(r.stderr.toString(), `${dir.file('stevedore.conf')}: cannot read the configuration: it is a FIFO (named pipe), not a regular file\n`);
    } finally {
      dir.remove();
    }
  });
});
