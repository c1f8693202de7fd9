import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { ROOT, STEVEDORE } from '../../harness/built.js';
import { processAlive } from '../../harness/process-alive.js';
import { requireTool } from '../../harness/require-tool.js';
import { runCli, startCli } from '../../harness/run-cli.js';
import { tempDir } from '../../harness/temp-dir.js';
import { waitFor } from '../../harness/wait-for.js';
import { check, defaults, M4 } from './check.js';

// The real GNU m4, as stevedore runs it: missing means failing, never skipping.
before(() => requireTool('m4', 'm4'));

describe('configuration through m4 -P -s', () => {
  test('m4_define macros expand, and plain words named like m4 builtins do not', async () => {
    const result = await check("m4_define(`SVC', `service $1;')m4_dnl\nSVC(DB)\nsyslog-tag define;\n", M4);
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.config, defaults({ services: [defaults().services[0]!].map((s) => ({ ...s, declaredAt: { ...s.declaredAt, line: 2 } })), syslogTag: 'define' }));
  });

  test('an error after a macro that expands to several lines is still at its own line', async () => {
    const text = "m4_define(`PAIR', `service $1;\nservice $1-replica;')m4_dnl\nPAIR(a)\nPAIR(b)\nttl 5x;\n";
    const result = await check(text, M4);
    assert.deepEqual(result.errors, ["test.conf:5:5: bad duration '5x' (use 30s, 5m, 2h)"]);
  });

  test('an error in an m4_include\'d file names that file and line', async () => {
    const result = await check(
      { 'test.conf': "service DB;\nm4_include(`part.conf')\nttl 1m;\nexpire 1x;\n", 'part.conf': '# services\nservice web;\nmax-output 4q;\n' },
      M4,
    );
    assert.deepEqual(result.errors, ["part.conf:3:12: bad size '4q' (use 512, 4k, 1M)", "test.conf:4:8: bad duration '1x' (use 30s, 5m, 2h)"]);
  });

  test('an m4_include loop is named as one, at the include that closes it', async () => {
    const result = await check({ 'test.conf': "service DB;\nm4_include(`part.conf')\n", 'part.conf': "\nm4_include(`test.conf')\n" }, M4);
    assert.deepEqual(result.errors, ["part.conf:2: include loop: m4_include(`test.conf') includes a file that is already being read (directly or through other files)"]);
    assert.deepEqual(result.codes, ['CONFIG_INCLUDE_LOOP']);
  });

  test('a service from an m4_include\'d file is declared there, and the file is listed', async () => {
    const result = await check({ 'test.conf': "service DB;\nm4_include(`part.conf')\n", 'part.conf': '\nservice web;\n' }, M4);
    assert.deepEqual(result.config?.services.map((s) => [s.name, s.declaredAt]), [
      ['DB', { file: 'test.conf', line: 1, col: 1 }],
      ['web', { file: 'part.conf', line: 2, col: 1 }],
    ]);
    assert.deepEqual(result.config?.files, ['test.conf', 'part.conf']);
  });

  test('an include loop is blamed on the same include whatever the open-file limit', async () => {
    const dir = tempDir('m4-loop');
    try {
      writeFileSync(dir.file('test.conf'), "service DB;\nm4_include(`a.conf')\n");
      writeFileSync(dir.file('a.conf'), "# a\nm4_include(`b.conf')\n");
      writeFileSync(dir.file('b.conf'), "# m4_include(`nothing.conf')\n\nm4_include(`a.conf')\n");
      const seen = new Set<string>();
      for (const limit of [300, 301, 302]) {
        const r = await runCli('sh', ['-c', `ulimit -n ${limit} && exec "$0" "$@"`, process.execPath, STEVEDORE, '--lint', '-f', dir.file('test.conf')], { timeout: 30_000 });
        const stderr = r.stderr.toString();
        assert.equal(r.code, 1, stderr);
        seen.add(stderr.split(`${dir.path}/`).join(''));
      }
      assert.deepEqual([...seen], ["b.conf:3: include loop: m4_include(`a.conf') includes a file that is already being read (directly or through other files)\n"]);
    } finally {
      dir.remove();
    }
  });

  test('a syntax error in an m4_include\'d file names that file', async () => {
    const result = await check({ 'test.conf': "service DB;\nm4_include(`part.conf')\n", 'part.conf': 'service web\n' }, M4);
    assert.deepEqual(result.errors, ["part.conf:1:12: expected ';' after 'service web'"]);
  });

  test('m4\'s own errors are reported where m4 found them', async () => {
    const result = await check("service DB;\nm4_include(`nowhere.conf')\n", M4);
    assert.deepEqual(result.errors, ["test.conf:2: m4: cannot open `nowhere.conf': No such file or directory"]);
    assert.deepEqual(result.codes, ['CONFIG_PREPROCESSOR_FAILED']);
  });

  test('m4 warnings fail the load too', async () => {
    const result = await check("m4_define(`X', `1', `2')service DB;\n", M4);
    assert.deepEqual(result.errors, ["test.conf:1: m4: Warning: excess arguments to builtin `m4_define' ignored"]);
  });

  test('a macro that expands to itself is stopped', async () => {
    const result = await check("service DB;\nm4_define(`LOOP', `LOOP')LOOP\n", M4, { timeoutMs: 300, maxOutputBytes: 1024 * 1024 });
    assert.deepEqual(result.errors, ['test.conf: m4 did not finish within 0.3s (a macro that expands to itself?)']);
  });

  test('a macro that writes without end is stopped by the output limit', async () => {
    const result = await check("service DB;\nm4_define(`L', `service x;\nL')L\n", M4, { timeoutMs: 10_000, maxOutputBytes: 64 * 1024 });
    assert.deepEqual(result.errors, ['test.conf: m4 wrote more than 0.0625M (a macro that expands to itself?)']);
  });

  test('a macro that doubles itself is stopped by the memory limit, which the error names', async () => {
    const dir = tempDir('m4-bomb');
    try {
      writeFileSync(dir.file('bomb.conf'), "service DB;\nm4_define(`X', `X X')X\n");
      const r = await runCli(process.execPath, [STEVEDORE, '--lint', '-f', dir.file('bomb.conf')], { timeout: 30_000, killSignal: 'SIGKILL' });
      assert.equal(r.code, 1);
      assert.equal(r.stderr.toString(), `${dir.file('bomb.conf')}: m4 needed more than the 256M of memory it may use (a macro that doubles itself?)\n`);
    } finally {
      dir.remove();
    }
  });

  test('what m4_syscmd started is killed with m4 at the time limit', async () => {
    const dir = tempDir('m4-syscmd');
    try {
      const pidFile = dir.file('sleep.pid');
      const text = `service DB;\nm4_syscmd(\`sh -c "echo \\$\\$ > ${pidFile}; exec sleep 1000"')\n`;
      const result = await check(text, M4, { timeoutMs: 500 });
      assert.deepEqual(result.errors, ['test.conf: m4 did not finish within 0.5s (a macro that expands to itself?)']);
      assert.deepEqual(result.codes, ['CONFIG_PREPROCESSOR_LIMIT']);
      const pid = Number(readFileSync(pidFile, 'utf8'));
      await waitFor(`the sleep m4_syscmd started (pid ${pid}) to be gone`, () => !processAlive(pid), 5000);
    } finally {
      dir.remove();
    }
  });

  test('--no-preprocessor leaves m4 macros alone: read as words, their quotes are errors', async () => {
    const result = await check("service DB;\nm4_define(`X', `1')\n");
    assert.deepEqual(result.errors, [`test.conf:2:13: unexpected "'": quote arguments with double quotes`]);
  });
});

describe('configuration through --preprocessor=COMMAND', () => {
  test('the command gets the file and its output is parsed', async () => {
    const result = await check('service @NAME@;\n', { kind: 'command', command: 'sed -e s/@NAME@/DB/' });
    assert.deepEqual(result.config, defaults());
  });

  test('cpp-style line markers in its output place errors', async () => {
    const script = `${ROOT}test/fixtures/config/linemarkers.sh`;
    const result = await check('service DB;\n', { kind: 'command', command: `sh ${script}` });
    assert.deepEqual(result.errors, ["generated.conf:7:5: bad duration '5x' (use 30s, 5m, 2h)"]);
  });

  test('a failing command: its status and what it said', async () => {
    const result = await check('service DB;\n', { kind: 'command', command: 'echo cannot expand >&2; exit 3; :' });
    assert.deepEqual(result.errors, ["test.conf: preprocessor 'echo cannot expand >&2; exit 3; :' exited with status 3", 'test.conf: preprocessor: cannot expand']);
  });

  test('Ctrl-C during --lint stops it at once, with the command and what it started', async () => {
    const dir = tempDir('lint-interrupted');
    try {
      const pidFile = dir.file('sleep.pid');
      writeFileSync(dir.file('test.conf'), 'service DB;\n');
      const hang = `sh -c 'echo $$ > ${pidFile}; exec sleep 1000'; cat`;
      const run = startCli(process.execPath, [STEVEDORE, '--lint', `--preprocessor=${hang}`, '-f', dir.file('test.conf')], { timeout: 30_000, killSignal: 'SIGKILL' });
      const pid = await waitFor('the preprocessor to hang', () => existsSync(pidFile) && Number(readFileSync(pidFile, 'utf8')));
      process.kill(run.pid, 'SIGINT');
      const r = await run.done;
      assert.deepEqual([r.code, r.signal], [1, null]);
      assert.equal(r.stderr.toString(), `stevedore: SIGINT: stopping: ${dir.file('test.conf')} not checked\n`);
      await waitFor(`the preprocessor's sleep (pid ${pid}) to be gone`, () => !processAlive(pid));
    } finally {
      dir.remove();
    }
  });
});
