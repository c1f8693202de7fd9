import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { OutputCapture } from './capture.js';
import { EXIT_NOT_EXECUTABLE, EXIT_NOT_FOUND, EXIT_TIMED_OUT, type RunResult } from './run-result.js';

export interface Sink {
  write(chunk: Buffer): unknown;
}

export interface RunOptions {
  command: string;
  args: readonly string[];
  /** Stop the command after this long: SIGTERM to its process group, SIGKILL after killGraceMs. */
  executionTimeoutMs?: number;
  killGraceMs: number;
  /** After the command exits, how long to wait for pipes a background child may hold open. */
  drainMs: number;
  outputCap: number;
  /** Where the command's output goes as it is produced, byte for byte. */
  stdout: Sink;
  stderr: Sink;
  /** Signals sent to tallyman that are passed on to the command's process group. */
  forwardSignals: readonly NodeJS.Signals[];
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
  return new Promise((resolve) => {
    const startedAt = new Date();
    const t0 = performance.now();
    const stdout = new OutputCapture(options.outputCap);
    const stderr = new OutputCapture(options.outputCap);
    let durationMs: number | undefined;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let failure: { exitCode: number; failure: string } | undefined;
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    let killed: Promise<void> | undefined;
    const timers: NodeJS.Timeout[] = [];
    const forwarders = new Map<NodeJS.Signals, () => void>();

    const done = (): void => {
      for (const t of timers) clearTimeout(t);
      for (const [signal, handler] of forwarders) process.removeListener(signal, handler);
      const elapsed = durationMs ?? Math.round(performance.now() - t0);
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
      child = spawn(options.command, options.args, { stdio: ['inherit', 'pipe', 'pipe'], detached: true });
    } catch (error) {
      failure = spawnFailure(options.command, (error as NodeJS.ErrnoException).code);
      done();
      return;
    }
    const pgid = child.pid;

    for (const signal of options.forwardSignals) {
      const handler = (): void => signalGroup(pgid, signal);
      forwarders.set(signal, handler);
      process.on(signal, handler);
    }

    child.stdout?.on('data', (chunk: Buffer) => {
      options.stdout.write(chunk);
      stdout.push(chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      options.stderr.write(chunk);
      stderr.push(chunk);
    });

    child.on('error', (error: NodeJS.ErrnoException) => {
      if (child.pid === undefined) failure = spawnFailure(options.command, error.code);
    });

    child.on('exit', (code, signal) => {
      durationMs = Math.round(performance.now() - t0);
      exit = { code, signal };
      // A background child may keep the pipes open: read what is there, then let go.
      timers.push(
        setTimeout(() => {
          child.stdout?.destroy();
          child.stderr?.destroy();
        }, options.drainMs),
      );
    });

    child.on('close', () => {
      // After a timeout, children that ignore SIGTERM get SIGKILL before tallyman leaves.
      if (killed && pgid !== undefined && groupAlive(pgid)) {
        void killed.then(done);
      } else {
        if (killTimer) clearTimeout(killTimer);
        done();
      }
    });

    if (options.executionTimeoutMs !== undefined && pgid !== undefined) {
      timers.push(
        setTimeout(() => {
          if (exit) return;
          timedOut = true;
          signalGroup(pgid, 'SIGTERM');
          killed = new Promise((resolveKill) => {
            killTimer = setTimeout(() => {
              signalGroup(pgid, 'SIGKILL');
              resolveKill();
            }, options.killGraceMs);
          });
        }, options.executionTimeoutMs),
      );
    }
  });
}
