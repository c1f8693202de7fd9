/**
 * stevedore's command line: options parsed by commander into StevedoreOptions, then help,
 * version, --config-help, --lint, or the daemon (passed in, so that this module stays the
 * command line and the daemon stays the composition root).
 */
import { CodedError } from '../common/coded-error.js';
import { Command, CommanderError } from 'commander';
import { VERSION } from '../common/version.js';
import { formatErrors } from './config/errors.js';
import { configHelp } from './config/help.js';
import { hostProblems } from './config/host-checks.js';
import { loadConfig, type LoadResult } from './config/load.js';
import { DEFAULT_CONFIG_FILE, type Preprocessor, type StevedoreOptions } from './options.js';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

/** Runs the daemon until it stops; resolves to the exit status. */
export type RunDaemon = (options: StevedoreOptions) => Promise<number>;

/** EX_USAGE from sysexits(3). */
export const EXIT_USAGE = 64;

export const SYNOPSIS = `usage: stevedore [-Fsd] [-f FILE] [--config-file=FILE] [--foreground] [--single] [--debug]
                 [--lint] [--config-help] [--no-preprocessor] [--preprocessor=COMMAND]
       stevedore -? | --help
       stevedore -V | --version
`;

export const HELP = `${SYNOPSIS}
Collects the reports of tallyman health checks and serves them as TALLYMAN-MIB over SNMP.

  -f, --config-file=FILE      the configuration [${DEFAULT_CONFIG_FILE}]
  -F, --foreground            stay attached; log JSON lines to stdout
  -s, --single                one process, no supervisor
  -d, --debug                 log at debug level, whatever log-level says
      --lint                  check the configuration: print 'FILE: OK' or its errors
      --config-help           every configuration statement, its arguments and default
      --no-preprocessor       read the configuration as it is, not through m4
      --preprocessor=COMMAND  read it through COMMAND FILE (sh) instead of m4 -P -s FILE
  -?, --help                  this help
  -V, --version               stevedore's version

Exit status: 1 if the configuration has errors (each printed as FILE:LINE:COL: message),
64 on bad usage.
`;

class UsageError extends CodedError<'USAGE'> {
  constructor(message: string) {
    super('USAGE', message);
  }
}

export type Invocation =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'config-help' }
  | { kind: 'lint'; options: StevedoreOptions }
  | { kind: 'run'; options: StevedoreOptions };

interface Given {
  help?: true;
  version?: true;
  configFile?: string;
  foreground?: true;
  single?: true;
  debug?: true;
  lint?: true;
  configHelp?: true;
  preprocessor: string | boolean;
}

export function parseArguments(argv: readonly string[]): Invocation {
  const program = new Command('stevedore')
    .helpOption(false)
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {}, outputError: () => {} })
    .allowExcessArguments(false)
    .option('-?, --help')
    .option('-V, --version')
    .option('-f, --config-file <FILE>')
    .option('-F, --foreground')
    .option('-s, --single')
    .option('-d, --debug')
    .option('--lint')
    .option('--config-help')
    .option('--no-preprocessor')
    .option('--preprocessor <COMMAND>');
  // Both set one attribute, the last one winning: noticed here so that both is an error.
  const preprocessorFlags = new Set<string>();
  program.on('option:preprocessor', () => preprocessorFlags.add('--preprocessor=COMMAND'));
  program.on('option:no-preprocessor', () => preprocessorFlags.add('--no-preprocessor'));
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError && error.code === 'commander.excessArguments') {
      throw new UsageError('stevedore takes no arguments: name the configuration file with -f FILE');
    }
    if (error instanceof CommanderError) throw new UsageError(error.message.replace(/^error: /, ''));
    throw error;
  }
  const given = program.opts<Given>();
  if (given.help) return { kind: 'help' };
  if (given.version) return { kind: 'version' };
  if (given.configHelp) return { kind: 'config-help' };
  if (preprocessorFlags.size > 1) throw new UsageError('--preprocessor=COMMAND and --no-preprocessor contradict each other: give one');
  if (given.configFile === '') throw new UsageError('--config-file needs a file name');
  let preprocessor: Preprocessor = { kind: 'm4' };
  if (given.preprocessor === false) preprocessor = { kind: 'none' };
  else if (typeof given.preprocessor === 'string') {
    if (given.preprocessor.trim() === '') throw new UsageError('--preprocessor needs a COMMAND, as --preprocessor="cpp -P"');
    preprocessor = { kind: 'command', command: given.preprocessor };
  }
  const options: StevedoreOptions = {
    configFile: given.configFile ?? DEFAULT_CONFIG_FILE,
    foreground: given.foreground ?? false,
    single: given.single ?? false,
    debug: given.debug ?? false,
    preprocessor,
  };
  return { kind: given.lint ? 'lint' : 'run', options };
}

/**
 * Runs stevedore's command line; resolves to the exit status. `stopping` aborts when SIGTERM or
 * SIGINT comes: --lint then gives up its load (and its preprocessor) and exits 1.
 */
export async function main(argv: readonly string[], io: CliIo, runDaemon: RunDaemon, stopping?: AbortSignal): Promise<number> {
  let invocation: Invocation;
  try {
    invocation = parseArguments(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`stevedore: ${error.message}\n${SYNOPSIS}`);
    return EXIT_USAGE;
  }
  switch (invocation.kind) {
    case 'help':
      io.out(HELP);
      return 0;
    case 'version':
      io.out(`stevedore ${VERSION}\n`);
      return 0;
    case 'config-help':
      io.out(configHelp());
      return 0;
    case 'lint': {
      const { configFile, preprocessor } = invocation.options;
      let result: LoadResult;
      try {
        result = await loadConfig(configFile, { preprocessor, signal: stopping });
      } catch (error) {
        if (!stopping?.aborted) throw error;
        io.err(`stevedore: ${(error as Error).message}: ${configFile} not checked\n`);
        return 1;
      }
      const errors = result.ok ? await hostProblems(result.config, configFile) : result.errors;
      if (errors.length === 0) {
        io.out(`${configFile}: OK\n`);
        return 0;
      }
      io.err(formatErrors(errors));
      return 1;
    }
    case 'run':
      return runDaemon(invocation.options);
  }
}
