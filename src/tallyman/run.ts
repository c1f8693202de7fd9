import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import type { Writable } from 'node:stream';
import type { Time, TimerHandle } from '../common/time.js';
import { OutputCapture } from './capture.js';
import { Relay } from './relay.js';
import { EXIT_NOT_EXECUTABLE, EXIT_NOT_FOUND, EXIT_TIMED_OUT, type RunResult } from './run-result.js';

export interface RunOptions {
  command: string;
  args: readonly string[];
  /** The command's environment. */
  env: Readonly<Record<string, string | undefined>>;
  /** Stop the command after this long: SIGTERM to its process group, SIGKILL after killGraceMs. */
  executionTimeoutMs?: number;
  killGraceMs: number;
  /**
   * After the command exits, how long to keep reading pipes a background child may hold open
   * (time spent waiting for a slow reader of tallyman's output does not count).
   */
  lingerMs: number;
  outputCap: number;
  /** Where the command's output goes as it is produced, byte for byte, at the reader's pace. */
  stdout: Writable;
  stderr: Writable;
  /**
   * Signals sent to tallyman that are passed on to the command's process group. Once the
   * command has ended, after one of them or a timeout, its output is no longer passed on at
   * the reader's pace: the rest is read for the report only.
   */
  forwardSignals: readonly NodeJS.Signals[];
  /** The clocks and timers behind the timeout, the kill grace and the linger time. */
  time: Time;
}

/** How a command that could not start is reported: exit status and the one line saying why. */
function spawnFailure(command: string, code: string | undefined): { exitCode: number; failure: string } {
  if (code === 'ENOENT') {
    if (command.includes('/') && existsSync(command)) {
      return { exitCode: EXIT_NOT_EXECUTABLE, failure: `${command}: cannot be run: its #! interpreter or loader is missing` };
    }
    return { exitCode: EXIT_NOT_FOUND, failure: `${command}: command not found` };
  }
  if (code === 'EACCES') {
    return { exitCode: EXIT_NOT_EXECUTABLE, failure: `${command}: permission denied (not an executable file)` };
  }
  return { exitCode: EXIT_NOT_EXECUTABLE, failure: `${command}: cannot be run (${code ?? 'unknown error'})` };
}

/** Whether any process of the group is left (signal 0 probes without sending). */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalGroup(pgid: number | undefined, signal: NodeJS.Signals): void {
  if (pgid === undefined) return;
  try {
    process.kill(-pgid, signal);
  } catch {
    // the group is gone already
  }
}

/**
 * Runs the health command directly (no shell) in its own process group, so that a timeout or
 * a forwarded signal reaches its children too. Output is passed through and captured; the
 * result is plain data. Never rejects.
 */
export function runCommand(options: RunOptions): Promise<RunResult> {
  const time = options.time;
  return new Promise((resolve) => {
    const startedAt = new Date(time.wall());
    const t0 = time.monotonic();
    const stdout = new OutputCapture(options.outputCap);
    const stderr = new OutputCapture(options.outputCap);
    const relays: Relay[] = [];
    let durationMs: number | undefined;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let failure: { exitCode: number; failure: string } | undefined;
    let timedOut = false;
    let signalled = false;
    let killTimer: TimerHandle | undefined;
    let killed: Promise<void> | undefined;
    const timers: TimerHandle[] = [];
    const forwarders = new Map<NodeJS.Signals, () => void>();
    // A check that was stopped does not wait on a reader that may never read again.
    const abandonIfStopped = (): void => {
      if (exit && (timedOut || signalled)) for (const relay of relays) relay.abandon();
    };

    const done = (): void => {
      for (const t of timers) time.clearTimeout(t);
      for (const [signal, handler] of forwarders) process.removeListener(signal, handler);
      const elapsed = durationMs ?? Math.round(time.monotonic() - t0);
      const signal = exit?.signal ?? null;
      let exitCode: number;
      if (failure) exitCode = failure.exitCode;
      else if (timedOut) exitCode = EXIT_TIMED_OUT;
      else if (signal) exitCode = 128 + (constants.signals[signal] ?? 0);
      else exitCode = exit?.code ?? 0;
      const result: RunResult = {
        exitCode,
        signal,
        timedOut,
        stdout: stdout.text(),
        stderr: stderr.text(),
        truncated: stdout.truncated || stderr.truncated,
        startedAt,
        durationMs: elapsed,
      };
      if (failure) result.failure = failure.failure;
      resolve(result);
    };

    let child: ChildProcess;
    try {
      child = spawn(options.command, options.args, { stdio: ['inherit', 'pipe', 'pipe'], detached: true, env: options.env });
    } catch (error) {
      failure = spawnFailure(options.command, (error as NodeJS.ErrnoException).code);
      done();
      return;
    }
    const pgid = child.pid;

    for (const signal of options.forwardSignals) {
      const handler = (): void => {
        signalled = true;
        signalGroup(pgid, signal);
        abandonIfStopped();
      };
      forwarders.set(signal, handler);
      process.on(signal, handler);
    }

    if (child.stdout) relays.push(new Relay(child.stdout, options.stdout, stdout, time));
    if (child.stderr) relays.push(new Relay(child.stderr, options.stderr, stderr, time));

    child.on('error', (error: NodeJS.ErrnoException) => {
      if (child.pid === undefined) failure = spawnFailure(options.command, error.code);
    });

    child.on('exit', (code, signal) => {
      durationMs = Math.round(time.monotonic() - t0);
      exit = { code, signal };
      abandonIfStopped();
      // A background child may keep the pipes open: read on for a bounded time, then let go.
      for (const relay of relays) relay.linger(options.lingerMs);
    });

    child.on('close', () => {
      // After a timeout, children that ignore SIGTERM get SIGKILL before tallyman leaves.
      if (killed && pgid !== undefined && groupAlive(pgid)) {
        void killed.then(done);
      } else {
        if (killTimer !== undefined) time.clearTimeout(killTimer);
        done();
      }
    });

    if (options.executionTimeoutMs !== undefined && pgid !== undefined) {
      timers.push(
        time.setTimeout(() => {
          if (exit) return;
          timedOut = true;
          signalGroup(pgid, 'SIGTERM');
          killed = new Promise((resolveKill) => {
            killTimer = time.setTimeout(() => {
              signalGroup(pgid, 'SIGKILL');
              resolveKill();
            }, options.killGraceMs);
          });
        }, options.executionTimeoutMs),
      );
    }
  });
}
