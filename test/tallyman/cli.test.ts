import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { TALLYMAN } from '../harness/built.js';
import { freePort } from '../harness/free-port.js';
import { processAlive } from '../harness/process-alive.js';
import { ReportListener } from '../harness/report-listener.js';
import { runCli, startCli } from '../harness/run-cli.js';
import { tempDir, type TempDir } from '../harness/temp-dir.js';
import { waitFor } from '../harness/wait-for.js';

const TIMEOUT = { timeout: 30_000 };

const processGone = (pid: number): boolean => !processAlive(pid);

describe('tallyman, through the built file, reporting to a live listener', TIMEOUT, () => {
  const listener = new ReportListener();
  let server = '';
  let dir: TempDir;
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  const tallyman = (args: string[], input?: Buffer | string) => runCli(TALLYMAN, ['-s', server, ...args], { env, ...(input !== undefined && { input }) });

  before(async () => {
    server = `127.0.0.1:${await listener.listen()}`;
    dir = tempDir('cli');
  });
  after(async () => {
    await listener.close();
    dir.remove();
  });
  beforeEach(() => listener.reset());

  describe('exit status is the command\'s', () => {
    for (const status of [0, 1, 3]) {
      test(`exit ${status}`, async () => {
        const r = await tallyman(['DB', 'sh', '-c', `exit ${status}`]);
        assert.equal(r.code, status);
        assert.equal(listener.reports()[0]?.exitCode, status);
      });
    }

    test('killed by SIGKILL: 137, and the report names the signal', async () => {
      const r = await tallyman(['DB', 'sh', '-c', 'kill -KILL $$']);
      assert.equal(r.code, 137);
      assert.deepEqual([listener.reports()[0]?.exitCode, listener.reports()[0]?.signal], [137, 'SIGKILL']);
    });

    test('not found: 127 with one line saying so, and a report', async () => {
      const r = await tallyman(['DB', 'no-such-health-command']);
      assert.equal(r.code, 127);
      assert.equal(r.stderr.toString(), 'tallyman: no-such-health-command: command not found\n');
      assert.equal(listener.reports()[0]?.exitCode, 127);
    });

    test('found but not executable: 126 with one line saying so', async () => {
      const script = dir.file('not-executable.sh');
      writeFileSync(script, '#!/bin/sh\nexit 0\n');
      chmodSync(script, 0o644);
      const r = await tallyman(['DB', script]);
      assert.equal(r.code, 126);
      assert.match(r.stderr.toString(), /^tallyman: .*not-executable\.sh: permission denied \(not an executable file\)\n$/);
    });

    test('a script whose interpreter is missing: 126, saying so', async () => {
      const script = dir.file('no-interpreter.sh');
      writeFileSync(script, '#!/nonexistent/bash\nexit 0\n');
      chmodSync(script, 0o755);
      const r = await tallyman(['DB', script]);
      assert.equal(r.code, 126);
      assert.match(r.stderr.toString(), /its #! interpreter or loader is missing/);
    });
  });

  describe('output passes through byte for byte', () => {
    test('binary and invalid UTF-8 on both streams, and the report stays valid JSON', async () => {
      const bytes = Buffer.from([0x00, 0xff, 0xfe, 0xc3, 0x28, 0x0a, 0xe2, 0x82, 0xac, 0x80]);
      const file = dir.file('binary');
      writeFileSync(file, bytes);
      const r = await tallyman(['DB', 'sh', '-c', `cat ${file}; cat ${file} >&2`]);
      assert.equal(r.code, 0);
      assert.deepEqual(r.stdout, bytes);
      assert.deepEqual(r.stderr, bytes);
      const report = listener.reports()[0];
      assert.equal(report?.stdout, bytes.toString('utf8'));
      assert.match(String(report?.stdout), /\uFFFD/);
    });

    test('1 MiB of output on each stream: no deadlock, all passed through, capture capped at 4 KiB', async () => {
      const r = await tallyman(['DB', 'sh', '-c', 'head -c 1048576 /dev/zero | tr "\\0" a; head -c 1048576 /dev/zero | tr "\\0" b >&2']);
      assert.equal(r.code, 0);
      assert.equal(r.stdout.length, 1048576);
      assert.equal(r.stderr.length, 1048576);
      const report = listener.reports()[0];
      assert.equal(report?.stdout, 'a'.repeat(4096));
      assert.equal(report?.stderr, 'b'.repeat(4096));
      assert.equal(report?.truncated, true);
    });

    test('stdin reaches the command', async () => {
      const r = await tallyman(['DB', 'cat'], 'ping\n');
      assert.equal(r.stdout.toString(), 'ping\n');
      assert.equal(listener.reports()[0]?.stdout, 'ping\n');
    });

    test('options after COMMAND are left to COMMAND', async () => {
      const file = dir.file('haystack');
      writeFileSync(file, 'needle\n');
      const r = await tallyman(['DB', 'grep', '-c', '-q', 'needle', file]);
      assert.equal(r.code, 0);
      assert.equal(r.stdout.length, 0, 'grep -q printed nothing, so -q went to grep');
      const miss = await tallyman(['DB', 'grep', '-q', '-s', 'absent', file]);
      assert.equal(miss.code, 1);
      assert.equal(listener.requests.length, 2, 'tallyman kept its own -s: both reports reached the listener');
    });
  });

  describe('the report', () => {
    test('carries every field of the contract', async () => {
      await runCli(TALLYMAN, ['-s', server, '-h', 'web-1', '-v', '{"lag":3}', 'DB', 'sh', '-c', 'echo up; echo warn >&2; exit 2'], { env });
      assert.equal(listener.requests.length, 1);
      const req = listener.requests[0]!;
      assert.equal(req.method, 'POST');
      assert.equal(req.url, '/v1/report');
      assert.equal(req.headers['content-type'], 'application/json');
      assert.equal(req.headers.authorization, undefined);
      const report = JSON.parse(req.body) as Record<string, unknown>;
      assert.deepEqual(Object.keys(report).sort(), ['durationMs', 'exitCode', 'hostname', 'service', 'signal', 'startedAt', 'stderr', 'stdout', 'timedOut', 'truncated', 'value', 'version'].sort());
      assert.equal(report.service, 'DB');
      assert.equal(report.hostname, 'web-1');
      assert.equal(report.exitCode, 2);
      assert.equal(report.signal, null);
      assert.equal(report.timedOut, false);
      assert.equal(report.stdout, 'up\n');
      assert.equal(report.stderr, 'warn\n');
      assert.equal(report.truncated, false);
      assert.deepEqual(report.value, { lag: 3 });
      assert.equal(report.version, JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')).version);
      assert.ok(Number.isInteger(report.durationMs) && (report.durationMs as number) >= 0);
      assert.equal(new Date(report.startedAt as string).toISOString(), report.startedAt);
    });

    test('hostname: TALLYMAN_HOSTNAME, else the system hostname', async () => {
      await runCli(TALLYMAN, ['-s', server, 'DB', 'true'], { env: { ...env, TALLYMAN_HOSTNAME: 'from-env' } });
      await runCli(TALLYMAN, ['-s', server, 'DB', 'true'], { env });
      assert.deepEqual(listener.reports().map((r) => r.hostname), ['from-env', hostname()]);
    });

    test('--token, or TALLYMAN_TOKEN, is sent as a bearer token', async () => {
      await runCli(TALLYMAN, ['-s', server, '--token=abc.123', 'DB', 'true'], { env });
      await runCli(TALLYMAN, ['-s', server, 'DB', 'true'], { env: { ...env, TALLYMAN_TOKEN: 'from-env' } });
      assert.deepEqual(listener.requests.map((r) => r.headers.authorization), ['Bearer abc.123', 'Bearer from-env']);
    });

    test("TALLYMAN_TOKEN is not passed to the command, so it never reaches the report; the rest of the environment is, unchanged", async () => {
      const environment = { ...env, TALLYMAN_TOKEN: 'secret-from-env', TALLYMAN_HOSTNAME: 'web-1', TALLYMAN_SERVER: server, CHECK_MODE: 'deep', EMPTY: '' };
      const r = await runCli(TALLYMAN, ['DB', 'env'], { env: environment });
      assert.equal(r.code, 0);
      assert.equal(listener.requests[0]!.headers.authorization, 'Bearer secret-from-env', 'tallyman itself still uses it');
      const { TALLYMAN_TOKEN: _token, ...passed } = environment;
      const seen = Object.fromEntries(r.stdout.toString().trimEnd().split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
      assert.deepEqual(seen, passed);
      assert.doesNotMatch(listener.requests[0]!.body, /secret-from-env/);
    });

    test('TALLYMAN_SERVER names the collector when --server does not', async () => {
      const r = await runCli(TALLYMAN, ['DB', 'true'], { env: { ...env, TALLYMAN_SERVER: server } });
      assert.equal(r.code, 0);
      assert.equal(listener.requests.length, 1);
    });

    test('an IPv6 collector in brackets', async () => {
      const v6 = new ReportListener();
      const port = await v6.listen('::1');
      try {
        const r = await runCli(TALLYMAN, ['-d', '-s', `[::1]:${port}`, 'DB', 'true'], { env });
        assert.equal(r.code, 0);
        assert.equal(v6.requests.length, 1, r.stderr.toString());
        assert.match(r.stderr.toString(), /server \[::1\]:\d+ \(--server\)/);
      } finally {
        await v6.close();
      }
    });
  });

  describe('--execution-timeout', () => {
    test('stops a command that ignores SIGTERM, and its children; exit 124, report says timedOut', async () => {
      const pids = dir.file('pids');
      const r = await tallyman([
        '--execution-timeout=0.3', 'DB', 'sh', '-c',
        `trap '' TERM; sleep 60 & echo $! > ${pids}; sh -c 'trap "" TERM; sleep 60' & echo $! >> ${pids}; wait`,
      ]);
      assert.equal(r.code, 124);
      assert.match(r.stderr.toString(), /no result within --execution-timeout=0.3, stopped/);
      const report = listener.reports()[0];
      assert.equal(report?.timedOut, true);
      assert.equal(report?.exitCode, 124);
      assert.equal(report?.signal, 'SIGKILL');
      const children = readFileSync(pids, 'utf8').trim().split('\n').map(Number);
      assert.equal(children.length, 2);
      for (const pid of children) await waitFor(`child ${pid} to be gone`, () => processGone(pid), 5000);
    });

    test('a command that finishes in time is not touched', async () => {
      const r = await tallyman(['--execution-timeout=30', 'DB', 'sh', '-c', 'exit 5']);
      assert.equal(r.code, 5);
      assert.equal(listener.reports()[0]?.timedOut, false);
    });
  });

  describe('signals sent to tallyman reach the command', () => {
    const numbers = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
      test(`${signal}: the command gets it, tallyman exits 128+${numbers[signal]} and still reports`, async () => {
        const pidFile = dir.file(`pid-${signal}`);
        const run = startCli(TALLYMAN, ['-s', server, 'DB', 'sh', '-c', `echo $$ > ${pidFile}; exec sleep 60`], { env });
        await waitFor('the command to start', () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n'));
        process.kill(run.pid, signal);
        const r = await run.done;
        assert.equal(r.code, 128 + numbers[signal]);
        assert.equal(processGone(Number(readFileSync(pidFile, 'utf8'))), true);
        assert.equal(listener.reports()[0]?.signal, signal);
      });
    }

    for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
      test(`${signal} while the report is under way: the post ends, the command's status stands`, async () => {
        listener.answer = 'never';
        const run = startCli(TALLYMAN, ['-s', server, '--connection-timeout=30', 'DB', 'sh', '-c', 'exit 0'], { env });
        await waitFor('the report to arrive', () => listener.requests.length === 1);
        process.kill(run.pid, signal);
        const r = await run.done;
        assert.equal(r.code, 0);
        assert.match(r.stderr.toString(), new RegExp(`report not delivered to .*: interrupted by ${signal}`));
      });
    }

    test('SIGTERM reaches the command\'s background children too: no orphans', async () => {
      const pidFile = dir.file('pid-children');
      const run = startCli(TALLYMAN, ['-s', server, 'DB', 'sh', '-c', `sleep 60 & echo $! > ${pidFile}; wait`], { env });
      await waitFor('the command to start', () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n'));
      process.kill(run.pid, 'SIGTERM');
      const r = await run.done;
      assert.equal(r.code, 143);
      const child = Number(readFileSync(pidFile, 'utf8'));
      await waitFor(`background sleep ${child} to be gone`, () => processGone(child), 5000);
    });
  });

  describe('a collector that fails never changes the result', () => {
    test('down: the status stands, one line on stderr', async () => {
      const port = await freePort();
      const r = await runCli(TALLYMAN, ['-s', `127.0.0.1:${port}`, 'DB', 'sh', '-c', 'exit 3'], { env });
      assert.equal(r.code, 3);
      assert.equal(r.stderr.toString(), `tallyman: report not delivered to 127.0.0.1:${port}: ECONNREFUSED\n`);
    });

    test('down and --quiet: not a word', async () => {
      const port = await freePort();
      const r = await runCli(TALLYMAN, ['-q', '-s', `127.0.0.1:${port}`, 'DB', 'sh', '-c', 'exit 3'], { env });
      assert.equal(r.code, 3);
      assert.equal(r.stderr.length, 0);
    });

    test('refusing with a reason: the reason is shown', async () => {
      listener.answer = { status: 404, body: '{"error":"service \'DB\' is not declared"}' };
      const r = await tallyman(['DB', 'true']);
      assert.equal(r.code, 0);
      assert.match(r.stderr.toString(), /^tallyman: report not delivered to 127\.0\.0\.1:\d+: HTTP 404: service 'DB' is not declared\n$/);
    });

    test('answering 500: the status stands', async () => {
      listener.answer = { status: 500, body: 'Internal Server Error' };
      const r = await tallyman(['DB', 'sh', '-c', 'exit 1']);
      assert.equal(r.code, 1);
      assert.match(r.stderr.toString(), /HTTP 500\n$/);
    });

    test('slow (never answers): tallyman gives up at --connection-timeout, well before the test would', async () => {
      listener.answer = 'never';
      const r = await tallyman(['--connection-timeout=1', 'DB', 'sh', '-c', 'exit 4']);
      assert.equal(r.code, 4);
      assert.match(r.stderr.toString(), /no answer within 1s/);
      assert.ok(r.elapsedMs < 1000 + 4000, `tallyman took ${Math.round(r.elapsedMs)} ms with --connection-timeout=1`);
    });

    test('no route to find it: the status stands', async () => {
      const r = await runCli(TALLYMAN, ['-s', '192.0.2.1:9', '--connection-timeout=0.5', 'DB', 'true'], { env });
      assert.equal(r.code, 0);
      assert.match(r.stderr.toString(), /report not delivered to 192\.0\.2\.1:9/);
    });
  });

  describe('bad usage: exit 64, reason and synopsis, COMMAND not run', () => {
    const marker = (): string => dir.file('ran');
    const cases: [string, (touch: string[]) => string[], RegExp][] = [
      ['no COMMAND', () => ['DB'], /missing COMMAND/],
      ['--value not JSON', (touch) => ['--value=up', 'DB', ...touch], /--value is not JSON/],
      ['malformed server', (touch) => ['-s', '10.0.0.1:99999', 'DB', ...touch], /port must be a number from 1 to 65535/],
      ['unknown option', (touch) => ['--bogus', 'DB', ...touch], /unknown option '--bogus'/],
      ['bad service name', (touch) => ['no/slash', ...touch], /SRVID 'no\/slash' is not a service name/],
      ['bad token', (touch) => ['--token=a b', 'DB', ...touch], /--token may hold only/],
    ];
    for (const [name, argv, reason] of cases) {
      test(name, async () => {
        const r = await runCli(TALLYMAN, argv(['touch', marker()]), { env });
        assert.equal(r.code, 64);
        assert.match(r.stderr.toString().split('\n')[0]!, reason);
        assert.match(r.stderr.toString(), /usage: tallyman \[-dq\]/);
        assert.equal(existsSync(marker()), false, 'COMMAND was not run');
        assert.equal(listener.requests.length, 0);
      });
    }

    test('a malformed TALLYMAN_SERVER is bad usage too', async () => {
      const r = await runCli(TALLYMAN, ['DB', 'touch', marker()], { env: { ...env, TALLYMAN_SERVER: 'a:b:c' } });
      assert.equal(r.code, 64);
      assert.match(r.stderr.toString(), /^tallyman: TALLYMAN_SERVER 'a:b:c'/);
      assert.equal(existsSync(marker()), false);
    });
  });

  test('--help and -? print the help on stdout; -V the version', async () => {
    for (const flag of ['--help', '-?']) {
      const r = await runCli(TALLYMAN, [flag], { env });
      assert.equal(r.code, 0);
      assert.match(r.stdout.toString(), /^usage: tallyman/);
      assert.match(r.stdout.toString(), /-h, --hostname=NAME/);
    }
    const v = await runCli(TALLYMAN, ['-V'], { env });
    assert.match(v.stdout.toString(), /^tallyman \d+\.\d+\.\d+\n$/);
  });

  test('--debug says which server, how many bytes, and the HTTP status', async () => {
    const r = await tallyman(['-d', 'DB', 'true']);
    const text = r.stderr.toString();
    assert.match(text, /tallyman: server 127\.0\.0\.1:\d+ \(--server\), sending \d+ bytes/);
    assert.match(text, /tallyman: collector answered HTTP 204/);
  });
});
