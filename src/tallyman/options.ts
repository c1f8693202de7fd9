import { isServiceName, SERVICE_NAME_RULE } from '../common/service-name.js';
import { UsageError } from './usage-error.js';

export interface TallymanOptions {
  service: string;
  command: string;
  args: string[];
  /** --hostname; when absent, TALLYMAN_HOSTNAME or the system hostname. */
  hostname?: string;
  /** --server as given; when absent, TALLYMAN_SERVER or the default gateway. */
  server?: string;
  /** --value, parsed; null when not given. */
  value: unknown;
  token?: string;
  connectionTimeoutMs: number;
  executionTimeoutMs?: number;
  debug: boolean;
  quiet: boolean;
}

export type Invocation =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'run'; options: TallymanOptions };

type Valued = 'hostname' | 'server' | 'value' | 'token' | 'connection-timeout' | 'execution-timeout';
type Flag = 'debug' | 'quiet' | 'help' | 'version';

const SHORT: Record<string, Valued | Flag> = { h: 'hostname', s: 'server', v: 'value', d: 'debug', q: 'quiet', '?': 'help', V: 'version' };
const VALUED = new Set<string>(['hostname', 'server', 'value', 'token', 'connection-timeout', 'execution-timeout']);
const FLAGS = new Set<string>(['debug', 'quiet', 'help', 'version']);

export const DEFAULT_CONNECTION_TIMEOUT_MS = 3000;
/** setTimeout's largest delay. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

function seconds(text: string, option: string): number {
  const ms = /^\d+(\.\d+)?$/.test(text) ? Math.round(Number(text) * 1000) : NaN;
  if (!(ms >= 1 && ms <= MAX_TIMEOUT_MS)) {
    throw new UsageError(`--${option}=${text}: give a number of seconds greater than 0 (for example 2 or 0.5)`);
  }
  return ms;
}

/**
 * getopt-style parsing that stops at SRVID: short options bundle (-dq, -hNAME), long ones
 * take =VALUE or the next word, `--` ends options. Everything after COMMAND is COMMAND's.
 */
export function parseArguments(argv: readonly string[]): Invocation {
  const given: Partial<Record<Valued, string>> = {};
  const flags = new Set<Flag>();
  let i = 0;

  const take = (name: Valued, inline: string | undefined, shown: string): void => {
    if (inline !== undefined) {
      given[name] = inline;
    } else if (i + 1 < argv.length) {
      given[name] = argv[++i] as string;
    } else {
      throw new UsageError(`option ${shown} needs a value`);
    }
  };

  for (; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      i++;
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      const inline = eq === -1 ? undefined : arg.slice(eq + 1);
      if (VALUED.has(name)) {
        take(name as Valued, inline, `--${name}`);
      } else if (FLAGS.has(name)) {
        if (inline !== undefined) throw new UsageError(`option --${name} takes no value`);
        flags.add(name as Flag);
      } else {
        throw new UsageError(`unknown option '--${name}'`);
      }
    } else if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const name = SHORT[arg[j] as string];
        if (name === undefined) throw new UsageError(`unknown option '-${arg[j]}'`);
        if (VALUED.has(name)) {
          take(name as Valued, j + 1 < arg.length ? arg.slice(j + 1) : undefined, `-${arg[j]}`);
          break;
        }
        flags.add(name as Flag);
      }
    } else {
      break;
    }
    if (flags.has('help')) return { kind: 'help' };
    if (flags.has('version')) return { kind: 'version' };
  }

  const [service, command, ...args] = argv.slice(i);
  if (service === undefined) throw new UsageError('missing SRVID and COMMAND');
  if (!isServiceName(service)) throw new UsageError(`SRVID '${service}' is not a service name (${SERVICE_NAME_RULE})`);
  if (command === undefined) throw new UsageError(`missing COMMAND to run for service '${service}'`);

  const options: TallymanOptions = {
    service,
    command,
    args,
    value: null,
    connectionTimeoutMs: DEFAULT_CONNECTION_TIMEOUT_MS,
    debug: flags.has('debug'),
    quiet: flags.has('quiet'),
  };
  if (given.hostname !== undefined) {
    if (given.hostname === '') throw new UsageError('--hostname must not be empty');
    options.hostname = given.hostname;
  }
  if (given.server !== undefined) options.server = given.server;
  if (given.token !== undefined) options.token = given.token;
  if (given.value !== undefined) {
    try {
      options.value = JSON.parse(given.value);
    } catch (error) {
      throw new UsageError(`--value is not JSON (${(error as Error).message}); quote strings: --value='"text"'`);
    }
  }
  if (given['connection-timeout'] !== undefined) {
    options.connectionTimeoutMs = seconds(given['connection-timeout'], 'connection-timeout');
  }
  if (given['execution-timeout'] !== undefined) {
    options.executionTimeoutMs = seconds(given['execution-timeout'], 'execution-timeout');
  }
  return { kind: 'run', options };
}
