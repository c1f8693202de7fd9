/**
 * A configuration file's text as the parser reads it: through GNU m4 by default (`-P`, so only
 * m4_-prefixed builtins expand; `-s`, so synclines map every line back to its FILE:LINE), through
 * the operator's own command (--preprocessor=COMMAND), or as it is (--no-preprocessor).
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Preprocessor } from '../options.js';
import { ConfigError } from './errors.js';
import { applySynclines, identityLineMap, type LineMap } from './synclines.js';

export type Source = { ok: true; text: string; map: LineMap } | { ok: false; errors: ConfigError[] };

export interface PreprocessLimits {
  /** A macro that expands to itself never ends: the preprocessor is killed after this long. */
  timeoutMs: number;
  /** A macro that doubles itself fills memory: the preprocessor is killed past this output. */
  maxOutputBytes: number;
}

export const DEFAULT_LIMITS: PreprocessLimits = { timeoutMs: 10_000, maxOutputBytes: 64 * 1024 * 1024 };

const M4_MISSING =
  'm4 is not installed, and stevedore reads its configuration through m4: install it (Debian: apt-get install m4), ' +
  'or start stevedore with --no-preprocessor (include FILE; still works without m4)';

export function describeFileError(error: unknown): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    default:
      return (error as Error).message;
  }
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Why it was killed: the time limit or the output limit. */
  stopped: string | null;
}

function run(command: string, args: readonly string[], limits: PreprocessLimits): Promise<Run | { spawnError: NodeJS.ErrnoException }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let bytes = 0;
    let stopped: string | null = null;
    const stop = (why: string): void => {
      stopped ??= why;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => stop(`did not finish within ${limits.timeoutMs / 1000}s`), limits.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limits.maxOutputBytes) stop(`wrote more than ${limits.maxOutputBytes / (1024 * 1024)}M`);
      else stdout.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.once('error', (spawnError) => {
      clearTimeout(timer);
      resolve({ spawnError });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8'), stopped });
    });
  });
}

/** m4's own diagnostics, `m4:FILE:LINE: message`, placed where m4 says. */
function m4Diagnostics(stderr: string, file: string): ConfigError[] {
  return stderr
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const located = /^m4:(.*):(\d+): (.*)$/.exec(line);
      if (located) return new ConfigError('CONFIG_PREPROCESSOR_FAILED', `m4: ${located[3]}`, { file: located[1] as string, line: Number(located[2]) });
      return new ConfigError('CONFIG_PREPROCESSOR_FAILED', line.startsWith('m4:') ? line : `m4: ${line}`, { file });
    });
}

function commandDiagnostics(command: string, result: Run, file: string): ConfigError[] {
  const lines = result.stderr.split('\n').filter((line) => line.trim() !== '');
  const ended = result.signal ? `was killed by ${result.signal}` : `exited with status ${result.code}`;
  return [
    new ConfigError('CONFIG_PREPROCESSOR_FAILED', `preprocessor '${command}' ${ended}`, { file }),
    ...lines.map((line) => new ConfigError('CONFIG_PREPROCESSOR_FAILED', `preprocessor: ${line}`, { file })),
  ];
}

export async function readSource(file: string, preprocessor: Preprocessor, limits: PreprocessLimits = DEFAULT_LIMITS): Promise<Source> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return { ok: false, errors: [new ConfigError('CONFIG_READ_FAILED', `cannot read the configuration: ${describeFileError(error)}`, { file })] };
  }
  if (preprocessor.kind === 'none') return { ok: true, text, map: identityLineMap(file) };

  const m4 = preprocessor.kind === 'm4';
  const name = m4 ? 'm4' : preprocessor.command;
  // A command gets the file as "$1", whatever characters its name holds.
  const result = m4
    ? await run('m4', ['-P', '-s', '-I', dirname(file), '--', file], limits)
    : await run('/bin/sh', ['-c', `${preprocessor.command} "$1"`, 'stevedore', file], limits);
  if ('spawnError' in result) {
    const missing = m4 && result.spawnError.code === 'ENOENT';
    const message = missing ? M4_MISSING : `cannot run the preprocessor '${name}': ${result.spawnError.message}`;
    return { ok: false, errors: [new ConfigError(missing ? 'CONFIG_M4_MISSING' : 'CONFIG_PREPROCESSOR_FAILED', message, { file })] };
  }
  if (result.stopped) {
    const hint = m4 ? ' (a macro that expands to itself?)' : '';
    return { ok: false, errors: [new ConfigError('CONFIG_PREPROCESSOR_FAILED', `${m4 ? 'm4' : `preprocessor '${name}'`} ${result.stopped}${hint}`, { file })] };
  }
  // m4 warnings (excess arguments, an undefined macro...) fail the load too: stevedore does not
  // start on a configuration that may not say what its author meant.
  if (m4 && result.stderr.trim() !== '') return { ok: false, errors: m4Diagnostics(result.stderr, file) };
  if (result.code !== 0) return { ok: false, errors: commandDiagnostics(name, result, file) };
  const { text: expanded, map } = applySynclines(result.stdout, file);
  return { ok: true, text: expanded, map };
}
