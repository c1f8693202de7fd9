import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { freePort } from '../harness/free-port.js';
import { processAlive } from '../harness/process-alive.js';
import { ReportListener } from '../harness/report-listener.js';
import { tempDir, type TempDir } from '../harness/temp-dir.js';
import { waitFor } from '../harness/wait-for.js';
import { SHELLS, startTallymanSh, tallymanSh, toolPath, TRANSPORTS, type SandboxRun, type Shell, type Transport } from './sandbox.js';

const TIMEOUT = { timeout: 120_000 };
/** tallyman.sh's bound on the whole report, in ms. */
const WAIT_MS = 3000;
const SYNOPSIS = 'usage: tallyman.sh [-s HOST:PORT] [-h NAME] SRVID COMMAND [ARGS...]\n';

describe('tallyman.sh keeps tallyman\'s contract', TIMEOUT, () => {
  const listener = new ReportListener();
  let server = '';
  let dir: TempDir;
  let tmpdir: string;
  const sandbox = (shell: Shell = 'dash', transport: Transport | 'none' = 'curl', extra: Partial<SandboxRun> = {}): SandboxRun => ({
    shell,
    path: toolPath(dir, shell, transport),
    tmpdir,
    ...extra,
  });
  const report = (): Record<string, unknown> => {
    assert.equal(listener.requests.length, 1, 'one report');
    return JSON.parse(listener.requests[0]!.body) as Record<string, unknown>;
  };

  before(async () => {
    server = `127.0.0.1:${await listener.listen()}`;
    dir = tempDir('tallyman-sh-contract');
    tmpdir = dir.file('tmp');
    mkdirSync(tmpdir);
  });
  after(async () => {
    await listener.close();
    dir.remove();
  });
  beforeEach(() => listener.reset());
  afterEach(() => assert.deepEqual(readdirSync(tmpdir), [], 'temporary files removed'));

  describe('the command runs as if tallyman.sh were not there', () => {
    for (const shell of Object.keys(SHELLS) as Shell[]) {
      test(`under ${shell}: exit statuses 0, 1, 3 and 137 (killed), each reported`, async () => {
        for (const [command, status] of [['exit 0', 0], ['exit 1', 1], ['exit 3', 3], ['kill -KILL $$', 137]] as const) {
          listener.requests.length = 0;
          const r = await tallymanSh(sandbox(shell), ['-s', server, 'DB', 'sh', '-c', command]);
          assert.equal(r.code, status, command);
          assert.equal(report().exitCode, status, command);
        }
      });
    }

    test('not found: 127, one line saying so, and a report', async () => {
      const r = await tallymanSh(sandbox(), ['-s', server, 'DB', 'no-such-health-command']);
      assert.equal(r.code, 127);
      assert.equal(r.stderr.toString(), 'tallyman.sh: no-such-health-command: command not found\n');
      assert.deepEqual([report().exitCode, report().stderr], [127, 'tallyman.sh: no-such-health-command: command not found\n']);
    });

    test('found but not executable: 126, one line saying so', async () => {
      const script = dir.file('not-executable.sh');
      writeFileSync(script, 'exit 0\n', { mode: 0o644 });
      const r = await tallymanSh(sandbox(), ['-s', server, 'DB', script]);
      assert.equal(r.code, 126);
      assert.equal(r.stderr.toString(), `tallyman.sh: ${script}: permission denied (not an executable file)\n`);
      assert.equal(report().exitCode, 126);
    });

    test('stdin reaches the command', async () => {
      const r = await tallymanSh(sandbox('dash', 'curl', { input: 'from stdin\n' }), ['-s', server, 'DB', 'cat']);
      assert.equal(r.stdout.toString(), 'from stdin\n');
      assert.equal(report().stdout, 'from stdin\n');
    });

    test('options after SRVID are the command\'s', async () => {
      const r = await tallymanSh(sandbox(), ['-s', server, 'DB', 'sh', '-c', 'echo "$@"', 'check', '-h', 'x', '-s', 'y']);
      assert.equal(r.stdout.toString(), '-h x -s y\n');
      assert.equal(report().hostname, hostname());
    });

    test('a background child that keeps the output open does not hold tallyman.sh', async () => {
      const pidFile = dir.file('background-pid');
      const r = await tallymanSh(sandbox(), ['-s', server, 'DB', 'sh', '-c', `sleep 60 & echo $! > ${pidFile}; echo done`]);
      process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
      assert.equal(r.code, 0);
      assert.equal(r.stdout.toString(), 'done\n');
      assert.ok(r.elapsedMs < 1000 + 5000, `tallyman.sh took ${Math.round(r.elapsedMs)} ms`);
      assert.equal(report().stdout, 'done\n');
    });

    test('no usable temporary directory: one line, and the command still runs with its status', async () => {
      const r = await tallymanSh(sandbox('dash', 'curl', { env: { TMPDIR: dir.file('missing') } }), ['-s', server, 'DB', 'sh', '-c', 'echo out; exit 5']);
      assert.equal(r.code, 5);
      assert.equal(r.stdout.toString(), 'out\n');
      assert.equal(r.stderr.toString(), `tallyman.sh: report not sent: no temporary directory in ${dir.file('missing')}\n`);
    });
  });

  describe('settings, as tallyman takes them', () => {
    for (const shell of Object.keys(SHELLS) as Shell[]) {
      test(`under ${shell}: TALLYMAN_TOKEN is not passed to the command, the rest of the environment is, unchanged`, async () => {
        const printEnv = ['awk', 'BEGIN { for (k in ENVIRON) print k "=" ENVIRON[k] }'];
        const env = { TALLYMAN_HOSTNAME: 'db-1', CHECK_MODE: 'deep', EMPTY: '' };
        const withToken = await tallymanSh(sandbox(shell, 'curl', { env: { ...env, TALLYMAN_TOKEN: 'secret-from-env' } }), ['-s', server, 'DB', ...printEnv]);
        const without = await tallymanSh(sandbox(shell, 'curl', { env }), ['-s', server, 'DB', ...printEnv]);
        const lines = (r: { stdout: Buffer }): string[] => r.stdout.toString().trimEnd().split('\n').sort();
        assert.deepEqual(lines(withToken), lines(without));
        for (const line of ['TALLYMAN_HOSTNAME=db-1', 'CHECK_MODE=deep', 'EMPTY=']) assert.ok(lines(withToken).includes(line), line);
        assert.equal(listener.requests[0]!.headers.authorization, 'Bearer secret-from-env', 'tallyman.sh itself still uses it');
        assert.doesNotMatch(listener.requests[0]!.body, /secret-from-env/);
      });
    }

    test('hostname: -h, else TALLYMAN_HOSTNAME, else the system hostname', async () => {
      const env = { TALLYMAN_HOSTNAME: 'from-env' };
      await tallymanSh(sandbox('dash', 'curl', { env }), ['-s', server, '-h', 'from-option', 'DB', 'sh', '-c', 'exit 0']);
      assert.equal(report().hostname, 'from-option');
      listener.requests.length = 0;
      await tallymanSh(sandbox('dash', 'curl', { env }), ['-s', server, 'DB', 'sh', '-c', 'exit 0']);
      assert.equal(report().hostname, 'from-env');
      listener.requests.length = 0;
      await tallymanSh(sandbox(), ['-s', server, 'DB', 'sh', '-c', 'exit 0']);
      assert.equal(report().hostname, hostname());
    });

    test('TALLYMAN_SERVER names the collector when -s does not; -s wins', async () => {
      const elsewhere = new ReportListener();
      const other = `127.0.0.1:${await elsewhere.listen()}`;
      try {
        await tallymanSh(sandbox('dash', 'curl', { env: { TALLYMAN_SERVER: server } }), ['DB', 'sh', '-c', 'exit 0']);
        assert.equal(report().service, 'DB');
        await tallymanSh(sandbox('dash', 'curl', { env: { TALLYMAN_SERVER: server } }), ['-s', other, 'DB', 'sh', '-c', 'exit 0']);
        assert.equal(listener.requests.length, 1);
        assert.equal(elsewhere.requests.length, 1);
      } finally {
        await elsewhere.close();
      }
    });

    test('an IPv6 collector in brackets', async () => {
      const v6 = new ReportListener();
      const port = await v6.listen('::1');
      try {
        const r = await tallymanSh(sandbox(), ['-s', `[::1]:${port}`, 'DB', 'sh', '-c', 'exit 0']);
        assert.equal(r.stderr.toString(), '');
        assert.equal(v6.requests[0]?.headers.host, `[::1]:${port}`);
      } finally {
        await v6.close();
      }
    });

    describe('bad usage: exit 64, the reason and the synopsis, the command not run', () => {
      const cases: [string, string[], Record<string, string>, string][] = [
        ['no COMMAND', ['DB'], {}, 'SRVID and COMMAND are required'],
        ['a port out of range', ['-s', '10.0.0.1:99999', 'DB'], {}, "-s '10.0.0.1:99999': port must be a number from 1 to 65535"],
        ['a malformed TALLYMAN_SERVER', ['DB'], { TALLYMAN_SERVER: 'a b:1' }, "TALLYMAN_SERVER 'a b:1' is not HOST:PORT (IPv6 addresses go in brackets: [::1]:8990)"],
        ['an unknown option', ['-x', 'DB'], {}, 'unknown option -x'],
        ['a SRVID that is no service name', ['no/slash'], {}, "SRVID 'no/slash' is not a service name (1 to 64 characters of A-Z a-z 0-9 _ . -)"],
        ['a SRVID of 65 characters', ['S'.repeat(65)], {}, `SRVID '${'S'.repeat(65)}' is not a service name (1 to 64 characters of A-Z a-z 0-9 _ . -)`],
        ['-s without a value', ['-s'], {}, '-s needs a value'],
        ['a token that is not a bearer token', ['DB'], { TALLYMAN_TOKEN: 'a b' }, 'TALLYMAN_TOKEN may hold only A-Z a-z 0-9 - . _ ~ + / and trailing ='],
      ];
      for (const [name, args, env, reason] of cases) {
        test(name, async () => {
          const marker = dir.file('ran');
          const command = name === 'no COMMAND' || name === '-s without a value' ? [] : ['sh', '-c', `: > ${marker}`];
          const r = await tallymanSh(sandbox('dash', 'curl', { env }), [...args, ...command]);
          assert.equal(r.code, 64);
          assert.equal(r.stderr.toString(), `tallyman.sh: ${reason}\n${SYNOPSIS}`);
          assert.equal(existsSync(marker), false);
          assert.equal(listener.requests.length, 0);
        });
      }
    });
  });

  describe('each transport', () => {
    for (const transport of Object.keys(TRANSPORTS) as Transport[]) {
      const shell: Shell = transport === 'busybox nc' ? 'busybox sh' : 'dash';
      describe(`${transport} (under ${shell})`, () => {
        test('sends the report as JSON with the bearer token of TALLYMAN_TOKEN', async () => {
          const r = await tallymanSh(sandbox(shell, transport, { env: { TALLYMAN_TOKEN: 'c2VjcmV0-._~+/==' } }), ['-s', server, '-h', 'db-1', 'DB', 'sh', '-c', 'echo alive; exit 2']);
          assert.equal(r.code, 2);
          assert.equal(r.stderr.toString(), '');
          const request = listener.requests[0]!;
          assert.deepEqual([request.method, request.url, request.headers['content-type'], request.headers.authorization], ['POST', '/v1/report', 'application/json', 'Bearer c2VjcmV0-._~+/==']);
          assert.deepEqual(report(), { service: 'DB', hostname: 'db-1', exitCode: 2, stdout: 'alive\n', stderr: '', truncated: false });
        });

        test('a refusal: the status stands, one line with the collector\'s reason', async () => {
          listener.answer = { status: 404, body: '{"error":"service \'DB\' is not declared","code":"SERVICE_NOT_DECLARED"}' };
          const r = await tallymanSh(sandbox(shell, transport), ['-s', server, 'DB', 'sh', '-c', 'exit 1']);
          assert.equal(r.code, 1);
          const reason = transport === 'busybox wget' ? /wget: server returned error: HTTP\/1.1 404 Not Found/ : /HTTP 404: service 'DB' is not declared/;
          assert.match(r.stderr.toString(), new RegExp(`^tallyman\\.sh: report not delivered to ${server}: ${reason.source}\\n$`));
        });

        test('a collector that is down: the status stands, one line', async () => {
          const down = `127.0.0.1:${await freePort()}`;
          const r = await tallymanSh(sandbox(shell, transport), ['-s', down, 'DB', 'sh', '-c', 'echo out; exit 3']);
          assert.equal(r.code, 3);
          assert.equal(r.stdout.toString(), 'out\n');
          assert.match(r.stderr.toString(), new RegExp(`^tallyman\\.sh: report not delivered to ${down}: .*(refused|connect).*\\n$`, 'i'));
        });

        test('a collector that never answers: tallyman.sh gives up after 3 s, well before the test would', async () => {
          listener.answer = 'never';
          const r = await tallymanSh(sandbox(shell, transport), ['-s', server, 'DB', 'sh', '-c', 'exit 4']);
          assert.equal(r.code, 4);
          assert.equal(listener.requests.length, 1);
          assert.match(r.stderr.toString(), /^tallyman\.sh: report not delivered to /);
          assert.ok(r.elapsedMs < WAIT_MS + 4000, `tallyman.sh took ${Math.round(r.elapsedMs)} ms`);
        });
      });
    }

    for (const shell of (Object.keys(SHELLS) as Shell[]).filter((s) => s !== 'busybox sh')) {
      test(`none of them (under ${shell}): one line says so, the command's output and status stand`, async () => {
        const r = await tallymanSh(sandbox(shell, 'none'), ['-s', server, 'DB', 'sh', '-c', 'echo out; exit 6']);
        assert.equal(r.code, 6);
        assert.equal(r.stdout.toString(), 'out\n');
        assert.equal(r.stderr.toString(), 'tallyman.sh: report not sent: this image has none of curl, bash, nc or wget to send it\n');
      });
    }
  });

  describe('signals sent to tallyman.sh reach the command', () => {
    // SIGINT arrives as SIGTERM: a shell starts a background command with SIGINT ignored.
    const cases = [['SIGTERM', 'TERM'], ['SIGINT', 'TERM'], ['SIGHUP', 'HUP']] as const;
    for (const shell of Object.keys(SHELLS) as Shell[]) {
      for (const [sent, received] of cases) {
        test(`under ${shell}: ${sent} reaches the command as ${received}, whose status and output are reported`, async () => {
          const pidFile = dir.file(`pid-${shell.replace(' ', '-')}-${sent}`);
          const command = `sleep 60 & s=$!; trap 'kill $s; echo got ${received}; exit 7' ${received}; echo $$ > ${pidFile}; wait`;
          const run = startTallymanSh(sandbox(shell), ['-s', server, 'DB', 'sh', '-c', command]);
          await waitFor('the command to start', () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n'));
          process.kill(run.pid, sent);
          const r = await run.done;
          assert.equal(r.code, 7);
          assert.equal(r.stdout.toString(), `got ${received}\n`);
          assert.deepEqual([report().exitCode, report().stdout], [7, `got ${received}\n`]);
        });
      }
    }

    test('killed by the forwarded signal: 128+15', async () => {
      const pidFile = dir.file('pid-killed');
      const run = startTallymanSh(sandbox('bash'), ['-s', server, 'DB', 'sh', '-c', `echo $$ > ${pidFile}; exec sleep 60`]);
      await waitFor('the command to start', () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n'));
      process.kill(run.pid, 'SIGTERM');
      const r = await run.done;
      assert.equal(r.code, 143);
      assert.equal(processAlive(Number(readFileSync(pidFile, 'utf8'))), false);
      assert.equal(report().exitCode, 143);
    });

    test('SIGTERM while the report is under way: tallyman.sh ends at once with the command\'s status', async () => {
      listener.answer = 'never';
      const run = startTallymanSh(sandbox('dash', 'bash /dev/tcp'), ['-s', server, 'DB', 'sh', '-c', 'exit 0']);
      await waitFor('the report to arrive', () => listener.requests.length === 1);
      process.kill(run.pid, 'SIGTERM');
      const r = await run.done;
      assert.equal(r.code, 0);
    });
  });
});
