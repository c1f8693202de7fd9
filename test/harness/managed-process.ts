import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { waitFor } from './wait-for.js';

export interface ProcessSpec {
  /** Name for messages and the log file. */
  name: string;
  command: string;
  args: readonly string[];
  /** The private directory; the log goes to DIR/NAME.log. */
  dir: string;
  env?: NodeJS.ProcessEnv;
  /** Resolves truthy once the process serves; polled until readyTimeoutMs. */
  ready: () => unknown;
  readyTimeoutMs?: number;
}

export interface ManagedProcess {
  pid: number;
  child: ChildProcess;
  log(): string;
  /** SIGTERM by pid, then SIGKILL after graceMs; resolves with how it ended. */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts a real component with its output in a log file, and waits until it is ready. */
export async function startProcess(spec: ProcessSpec): Promise<ManagedProcess> {
  const logPath = `${spec.dir}/${spec.name}.log`;
  const fd = openSync(logPath, 'a');
  const child = spawn(spec.command, spec.args, { stdio: ['ignore', fd, fd], env: spec.env ?? process.env, cwd: spec.dir });
  closeSync(fd);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  let ended = false;
  void exited.then(() => (ended = true));
  const log = (): string => readFileSync(logPath, 'utf8');
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  const managed: ManagedProcess = {
    pid: child.pid as number,
    child,
    log,
    async stop(graceMs = 5000) {
      if (!ended) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        const result = await exited;
        clearTimeout(timer);
        return result;
      }
      return exited;
    },
  };
  const died = exited.then(() => {
    throw new Error(`${spec.name} exited during start-up; its log:\n${log()}`);
  });
  try {
    await Promise.race([waitFor(`${spec.name} to be ready`, spec.ready, spec.readyTimeoutMs ?? 15_000), died]);
  } catch (error) {
    await managed.stop(1000);
    if (error instanceof Error && !error.message.includes('its log:')) error.message += `; its log:\n${log()}`;
    throw error;
  }
  died.catch(() => {});
  return managed;
}
