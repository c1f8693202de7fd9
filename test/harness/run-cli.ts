import { spawn, type SpawnOptions } from 'node:child_process';

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: Buffer;
  /** Wall time from spawn to exit, for bounds on hanging, never for speed. */
  elapsedMs: number;
}

export interface CliRun {
  pid: number;
  done: Promise<CliResult>;
}

/** Runs a program as a user would, capturing its output as bytes. */
export function startCli(command: string, args: readonly string[], options: SpawnOptions & { input?: Buffer | string } = {}): CliRun {
  const t0 = performance.now();
  const child = spawn(command, args, { ...options, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout?.on('data', (c: Buffer) => stdout.push(c));
  child.stderr?.on('data', (c: Buffer) => stderr.push(c));
  if (options.input !== undefined) child.stdin?.end(options.input);
  const done = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) =>
      resolve({ code, signal, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr), elapsedMs: performance.now() - t0 }),
    );
  });
  return { pid: child.pid as number, done };
}

export function runCli(command: string, args: readonly string[], options: SpawnOptions & { input?: Buffer | string } = {}): Promise<CliResult> {
  return startCli(command, args, options).done;
}
