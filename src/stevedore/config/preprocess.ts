/**
 * A configuration file's text as the parser reads it: through GNU m4 by default (`-P`, so only
 * m4_-prefixed builtins expand; `-s`, so synclines map every line back to its FILE:LINE), through
 * the operator's own command (--preprocessor=COMMAND), or as it is (--no-preprocessor).
 */
import { dirname } from 'node:path';
import type { Preprocessor } from '../options.js';
import { M4_LOCATED, relayedLine, withoutM4Echo } from './echoed-source.js';
import { ConfigError } from './errors.js';
import { DEFAULT_LIMITS, megabytes, runPreprocessor, type PreprocessLimits, type Ran, type RunOptions } from './preprocessor-process.js';
import { closesLoop, firstInclude, notRegularFile } from './m4-includes.js';
import { describeFileError, NotRegularFileError, readRegularFile } from './source-file.js';
import { applySynclines, identityLineMap, type LineMap } from './synclines.js';

export type Source = { ok: true; text: string; map: LineMap } | { ok: false; errors: ConfigError[] };

export interface ReadOptions {
  limits?: Partial<PreprocessLimits>;
  /** Aborts the read (stevedore is stopping): the preprocessor's group is killed, the read rejects with the signal's reason. */
  signal?: AbortSignal;
  time?: RunOptions['time'];
}

const M4_MISSING =
  'm4 is not installed, and stevedore reads its configuration through m4: install it (Debian: apt-get install m4), ' +
  'or start stevedore with --no-preprocessor (include FILE; still works without m4)';

/** sh's status when the command it was to run is not found. */
const NOT_FOUND = 127;

/**
 * m4 follows an m4_include of a file already being read until it runs out of open files: what
 * it then says, about whichever include of the loop the last descriptor ran out at.
 */
const INCLUDE_LOOP = /^cannot open `(.*)': Too many open files$/;

function includeLoop(included: string, file: string, line: number): ConfigError {
  const message = `include loop: m4_include(\`${included}') includes a file that is already being read (directly or through other files)`;
  return new ConfigError('CONFIG_INCLUDE_LOOP', message, { file, line });
}

/**
 * m4's diagnostics, with an include loop placed at the include that closes it (m4's own place
 * for it depends on how many files the process may open).
 */
async function m4Errors(stderr: string, file: string): Promise<ConfigError[]> {
  const errors = m4Diagnostics(stderr, file);
  if (!errors.some((e) => e.code === 'CONFIG_INCLUDE_LOOP')) return errors;
  const loop = await firstInclude(file, dirname(file), closesLoop);
  if (!loop) return errors;
  return [includeLoop(loop.included, loop.file, loop.line), ...errors.filter((e) => e.code !== 'CONFIG_INCLUDE_LOOP')];
}

/** m4's own diagnostics, `m4:FILE:LINE: message`, placed where m4 says. */
function m4Diagnostics(stderr: string, file: string): ConfigError[] {
  return stderr
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const located = M4_LOCATED.exec(line);
      const loop = located && INCLUDE_LOOP.exec(located[3] as string);
      if (located && loop) return includeLoop(loop[1] as string, located[1] as string, Number(located[2]));
      if (located) return new ConfigError('CONFIG_PREPROCESSOR_FAILED', `m4: ${withoutM4Echo(located[3] as string)}`, { file: located[1] as string, line: Number(located[2]) });
      return new ConfigError('CONFIG_PREPROCESSOR_FAILED', line.startsWith('m4:') ? line : `m4: ${line}`, { file });
    });
}

/** The command's diagnostics, without the source they would repeat (echoed-source.ts). */
function commandDiagnostics(name: string, result: Ran, file: string): ConfigError[] {
  const lines = result.stderr
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => relayedLine(line) ?? []);
  const ended = result.signal ? `was killed by ${result.signal}` : `exited with status ${result.code}`;
  return [
    new ConfigError('CONFIG_PREPROCESSOR_FAILED', `${name} ${ended}`, { file }),
    ...lines.map((line) => new ConfigError('CONFIG_PREPROCESSOR_FAILED', `preprocessor: ${line}`, { file })),
  ];
}

export async function readSource(file: string, preprocessor: Preprocessor, options: ReadOptions = {}): Promise<Source> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  let text: string;
  try {
    text = await readRegularFile(file, options.signal);
  } catch (error) {
    options.signal?.throwIfAborted();
    const code = error instanceof NotRegularFileError ? error.code : 'CONFIG_READ_FAILED';
    return { ok: false, errors: [new ConfigError(code, `cannot read the configuration: ${describeFileError(error)}`, { file })] };
  }
  if (preprocessor.kind === 'none') return { ok: true, text, map: identityLineMap(file) };

  const m4 = preprocessor.kind === 'm4';
  if (m4) {
    const refused = await firstInclude(file, dirname(file), notRegularFile);
    if (refused) {
      const { include, why } = refused;
      const message = `cannot include '${include.included}' (${include.path}): ${why}`;
      return { ok: false, errors: [new ConfigError('CONFIG_NOT_REGULAR_FILE', message, { file: include.file, line: include.line })] };
    }
  }
  const name = m4 ? 'm4' : `preprocessor '${preprocessor.command}'`;
  // A command gets the file as "$1", whatever characters its name holds.
  const script = m4 ? 'exec m4 "$@"' : `${preprocessor.command} "$1"`;
  const args = m4 ? ['-P', '-s', '-I', dirname(file), '--', file] : [file];
  let result: Ran;
  try {
    result = await runPreprocessor(script, args, { limits, signal: options.signal, time: options.time });
  } catch (error) {
    return { ok: false, errors: [new ConfigError('CONFIG_PREPROCESSOR_FAILED', `cannot run the ${name}: ${(error as Error).message}`, { file })] };
  }
  options.signal?.throwIfAborted();
  if (m4 && result.code === NOT_FOUND && /not found/.test(result.stderr)) return { ok: false, errors: [new ConfigError('CONFIG_M4_MISSING', M4_MISSING, { file })] };
  const limit = (message: string): Source => ({ ok: false, errors: [new ConfigError('CONFIG_PREPROCESSOR_LIMIT', message, { file })] });
  if (result.stopped) return limit(`${name} ${result.stopped}${m4 ? ' (a macro that expands to itself?)' : ''}`);
  // m4 says so when malloc fails under the data limit; another command may say it otherwise.
  if (/memory exhausted|cannot allocate memory|out of memory/i.test(result.stderr) && result.code !== 0) {
    return limit(`${name} needed more than the ${megabytes(limits.maxMemoryBytes)} of memory it may use${m4 ? ' (a macro that doubles itself?)' : ''}`);
  }
  // m4 warnings (excess arguments, an undefined macro...) fail the load too: stevedore does not
  // start on a configuration that may not say what its author meant.
  if (m4 && result.stderr.trim() !== '') return { ok: false, errors: await m4Errors(result.stderr, file) };
  if (result.code !== 0) return { ok: false, errors: commandDiagnostics(name, result, file) };
  const { text: expanded, map } = applySynclines(result.stdout, file);
  return { ok: true, text: expanded, map };
}
