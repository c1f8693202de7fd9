/**
 * Runs the preprocessor (m4, or the operator's command) bounded: in its own process group, so
 * that what it starts (m4_syscmd, a shell pipeline) is killed with it; under a data limit
 * (RLIMIT_DATA, set by `ulimit -d` in /bin/sh before it execs the preprocessor), so that a
 * macro that doubles itself fails with ENOMEM instead of filling the host's memory; killed at
 * a time limit, past an output limit, or when the load is aborted (stevedore is stopping).
 */
import { spawn } from 'node:child_process';
import { systemTime, type Time } from '../../common/time.js';

export interface PreprocessLimits {
  /** A macro that expands to itself never ends: the preprocessor is killed after this long. */
  timeoutMs: number;
  /** A macro that writes without end: the preprocessor is killed past this output. */
  maxOutputBytes: number;
  /** A macro that doubles itself fills memory: the preprocessor may not use more (RLIMIT_DATA). */
  maxMemoryBytes: number;
}

export const DEFAULT_LIMITS: PreprocessLimits = { timeoutMs: 10_000, maxOutputBytes: 64 * 1024 * 1024, maxMemoryBytes: 256 * 1024 * 1024 };

export function megabytes(bytes: number): string {
  return `${bytes / (1024 * 1024)}M`;
}

export interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Why it was killed: a limit (in words), or 'aborted'. */
  stopped: string | null;
}

export interface RunOptions {
  limits: PreprocessLimits;
  signal?: AbortSignal;
  time?: Pick<Time, 'setTimeout' | 'clearTimeout'>;
}

/**
 * Runs `script` with /bin/sh under the memory limit: `"$@"` holds args. Resolves once it and
 * its process group are done; a spawn failure rejects.
 */
export function runPreprocessor(script: string, args: readonly string[], options: RunOptions): Promise<Ran> {
  const { limits, signal } = options;
  const time = options.time ?? systemTime;
  const kilobytes = Math.ceil(limits.maxMemoryBytes / 1024);
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', `ulimit -d ${kilobytes} || exit 125; ${script}`, 'stevedore', ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let bytes = 0;
    let stopped: string | null = null;
    let settled = false;
    const killGroup = (): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // the group is empty: everything in it has ended
      }
    };
    const settle = (code: number | null, exitSignal: NodeJS.Signals | null): void => {
      if (settled) return;
      settled = true;
      time.clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve({ code, signal: exitSignal, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8'), stopped });
    };
    const stop = (why: string): void => {
      stopped ??= why;
      killGroup();
      // Something that left the group (setsid) may still hold the pipes: once the leader has
      // gone, stop waiting for them.
      if (child.exitCode !== null || child.signalCode !== null) {
        child.stdout.destroy();
        child.stderr.destroy();
        settle(child.exitCode, child.signalCode);
      }
    };
    const onAbort = (): void => stop('aborted');
    const timer = time.setTimeout(() => stop(`did not finish within ${limits.timeoutMs / 1000}s`), limits.timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
    child.stdout.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limits.maxOutputBytes) stop(`wrote more than ${megabytes(limits.maxOutputBytes)}`);
      else stdout.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.once('error', (error) => {
      settled = true;
      time.clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      reject(error);
    });
    // Nothing the preprocessor started outlives it.
    child.once('exit', () => {
      killGroup();
      if (stopped !== null) stop(stopped);
    });
    child.once('close', (code, exitSignal) => settle(code, exitSignal));
  });
}
