import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { TALLYMAN } from '../harness/built.js';
import { processAlive } from '../harness/process-alive.js';
import { ReportListener } from '../harness/report-listener.js';
import { requireTool } from '../harness/require-tool.js';
import { runCli } from '../harness/run-cli.js';
import { tempDir, type TempDir } from '../harness/temp-dir.js';
import { waitFor } from '../harness/wait-for.js';

const TIMEOUT = { timeout: 60_000 };
const READER = fileURLToPath(new URL('./slow-reader.js', import.meta.url));
const CAPTURE = 4096;
const MiB = 1024 * 1024;

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Numbered lines: a byte lost, doubled or moved anywhere changes the checksum. */
function numberedLines(size: number): Buffer {
  const lines: string[] = [];
  let length = 0;
  for (let i = 0; length < size; i++) {
    const line = `${String(i).padStart(9, '0')} the check's output, passed through as it is\n`;
    lines.push(line);
    length += line.length;
  }
  return Buffer.from(lines.join('')).subarray(0, size);
}

/**
 * Whether a process sleeps in a write to a full pipe or stream socket (what Node's 'pipe' stdio
 * is): where it waits, by the names Linux gives those kernel functions.
 */
function blockedInWrite(pid: number): boolean {
  return /pipe_write|sock_alloc_send|unix_stream_sendmsg/.test(readFileSync(`/proc/${pid}/wchan`, 'utf8'));
}

/** Bytes a process has written so far (/proc/PID/io). */
function bytesWritten(pid: number): number {
  return Number(/^wchar: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1]);
}

describe('tallyman passes the command\'s output through exactly, at the reader\'s pace', TIMEOUT, () => {
  const listener = new ReportListener();
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  const big = numberedLines(10_000_000);
  const small = big.subarray(0, 2 * MiB);
  let server = '';
  let dir: TempDir;
  let bigFile = '';
  let smallFile = '';

  before(async () => {
    server = `127.0.0.1:${await listener.listen()}`;
    dir = tempDir('passthrough');
    bigFile = dir.file('big');
    smallFile = dir.file('small');
    writeFileSync(bigFile, big);
    writeFileSync(smallFile, small);
  });
  after(async () => {
    await listener.close();
    dir.remove();
  });
  beforeEach(() => {
    listener.requests.length = 0;
  });

  /** Runs `sh -c SCRIPT` where "$@" is `tallyman -s SERVER ARGS...` and "$NODE" "$READER" the slow reader. */
  const inShell = (script: string, args: string[]) =>
    runCli('sh', ['-c', script, 'sh', process.execPath, TALLYMAN, '-s', server, ...args], { env: { ...env, NODE: process.execPath, READER } });

  for (const [stream, redirect, command] of [
    ['stdout', '', 'cat "$0"'],
    ['stderr', '2>&1 >/dev/null', 'cat "$0" >&2'],
  ] as const) {
    test(`10 MB on ${stream} through a pipe: every byte, and the report still has the first 4 KiB`, async () => {
      // The reader starts late, then reads as fast as it can.
      const r = await inShell(`"$@" ${redirect} | "$NODE" "$READER" 65536 0 300`, ['DB', 'sh', '-c', command, bigFile]);
      assert.equal(r.code, 0, r.stderr.toString());
      assert.equal(r.stdout.toString(), `${big.length} ${sha256(big)}\n`);
      const report = listener.reports()[0];
      assert.equal(report?.[stream], big.subarray(0, CAPTURE).toString());
      assert.equal(report?.truncated, true);
    });

    test(`a slow reader of ${stream} gets every byte`, async () => {
      const r = await inShell(`"$@" ${redirect} | "$NODE" "$READER" 16384 2`, ['DB', 'sh', '-c', command, smallFile]);
      assert.equal(r.code, 0, r.stderr.toString());
      assert.equal(r.stdout.toString(), `${small.length} ${sha256(small)}\n`);
      assert.equal(listener.reports()[0]?.exitCode, 0);
    });
  }

  test('a background child holding the pipes open does not hold tallyman, and a slow reader still gets what the command wrote', async () => {
    const pidFile = dir.file('background');
    const command = 'cat "$0"; sleep 3600 & echo $! > "$1"';
    const r = await inShell('"$@" | "$NODE" "$READER" 16384 2', ['DB', 'sh', '-c', command, smallFile, pidFile]);
    const background = Number(readFileSync(pidFile, 'utf8'));
    try {
      assert.equal(processAlive(background), true, 'tallyman ended while the background child still held the pipes');
      assert.equal(r.stdout.toString(), `${small.length} ${sha256(small)}\n`);
      assert.equal(listener.reports()[0]?.exitCode, 0);
    } finally {
      process.kill(background, 'SIGKILL');
    }
  });

  test('to regular files: every byte of both streams', async () => {
    const out = dir.file('out');
    const err = dir.file('err');
    const fds = [openSync(out, 'w'), openSync(err, 'w')] as const;
    const child = spawn(TALLYMAN, ['-s', server, 'DB', 'sh', '-c', 'cat "$0"; cat "$0" >&2', bigFile], { env, stdio: ['ignore', fds[0], fds[1]] });
    const code = await new Promise<number | null>((resolve) => child.once('exit', (status) => resolve(status)));
    for (const fd of fds) closeSync(fd);
    assert.equal(code, 0);
    assert.equal(sha256(readFileSync(out)), sha256(big));
    assert.equal(sha256(readFileSync(err)), sha256(big));
  });

  test('1 GB through a pipe: all of it counted, with tallyman\'s peak memory bounded', async () => {
    const time = requireTool('time', 'time');
    const rssFile = dir.file('rss');
    const size = 1_000_000_000;
    // The reader starts a second late: tallyman must hold the command back, not take it all in.
    const r = await runCli('sh', ['-c', `"$@" | (sleep 1; exec wc -c)`, 'sh', time, '-f', '%M', '-o', rssFile, process.execPath, TALLYMAN, '-s', server, 'DB', 'head', '-c', String(size), '/dev/zero'], { env });
    assert.equal(r.code, 0, r.stderr.toString());
    assert.equal(Number(r.stdout.toString()), size);
    const peakKiB = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop());
    assert.ok(peakKiB > 0 && peakKiB < 150 * 1024, `tallyman's peak RSS was ${peakKiB} KiB for ${size} bytes passed through`);
    assert.equal(listener.reports()[0]?.truncated, true);
  });

  describe('a reader that never reads', () => {
    const started: ChildProcessByStdio<null, Readable, Readable>[] = [];
    afterEach(() => {
      for (const child of started.splice(0)) {
        child.kill('SIGKILL'); // its command then dies writing to the closed pipe
        child.stdout.destroy();
        child.stderr.destroy();
      }
    });

    /** tallyman with a stdout nobody drains, its command writing 10 MB into it. */
    const startBlocked = async (options: string[]) => {
      const pidFile = dir.file(`pid-${started.length}-${options.length}`);
      const child = spawn(TALLYMAN, ['-s', server, ...options, 'DB', 'sh', '-c', 'echo $$ > "$0"; exec head -c 10000000 /dev/zero', pidFile], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      started.push(child);
      child.stdout.pause();
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      await waitFor('the command to start', () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n'));
      const pid = Number(readFileSync(pidFile, 'utf8'));
      // Held back, not merely between two writes: blocked, with nothing written since the last look.
      let written = -1;
      await waitFor('the command to wait in write() for the reader', () => {
        const before = written;
        written = bytesWritten(pid);
        return blockedInWrite(pid) && written === before;
      });
      return { child, pid, exited, stderr: () => stderr };
    };

    test('SIGTERM still reaches the command waiting in write(), and tallyman exits 143 at once', async () => {
      const run = await startBlocked([]);
      process.kill(run.child.pid!, 'SIGTERM');
      assert.equal(await run.exited, 143, run.stderr());
      assert.equal(processAlive(run.pid), false);
      assert.equal(listener.reports()[0]?.signal, 'SIGTERM');
    });

    test('--execution-timeout stops the command waiting in write(): exit 124, and a report', async () => {
      const run = await startBlocked(['--execution-timeout=2']);
      assert.equal(await run.exited, 124, run.stderr());
      assert.equal(listener.reports()[0]?.timedOut, true);
    });
  });
});
