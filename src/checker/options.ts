import { isIP } from 'node:net';
import { CodedError } from '../common/coded-error.js';
import { parseHostPort, withoutUserinfo, type HostPort } from '../common/host-port.js';
import { LOG_LEVELS, type LogLevel } from './log.js';

export const COMMANDS = ['check', 'monitor', 'listener'] as const;
export type Command = (typeof COMMANDS)[number];

export const ETCD_DEFAULT_PORT = 2379;

export interface Options {
  command: Command;
  /** The container's name or id (check, monitor). */
  container: string | null;
  etcdHosts: HostPort[];
  logLevel: LogLevel;
  stdout: boolean;
  syslog: boolean;
  dockerSocket: string;
  /** null: the address of the default route's interface, found at start. */
  hostIp: string | null;
  prefix: string;
}

export type Parsed = { help: true } | { help: false; options: Options };

export class UsageError extends CodedError<'USAGE'> {
  constructor(message: string) {
    super('USAGE', message);
  }
}

export const USAGE = `usage: checker check    [options] CONTAINER   check once (a Nagios plugin: exit 0 OK, 2 CRITICAL, 3 UNKNOWN)
       checker monitor  [options] CONTAINER   keep its etcd key while its check passes
       checker listener [options]             monitor every running container that declares HEALTHCHECK

options (-name=value or --name=value; -name value for the ones that take a value):
  -etcd-host=HOST[:PORT][,HOST[:PORT]...]  etcd endpoints [127.0.0.1:2379]
  -loglevel=DEBUG|INFO|NOTICE|WARNING|ERROR|CRITICAL   [INFO]
  -stdout[=true|false]   log to stdout [check: true; monitor, listener: false]
  -syslog[=true|false]   log to syslog [check: false; monitor, listener: true]
  -docker-socket=PATH    [/var/run/docker.sock, or DOCKER_HOST=unix://PATH]
  -host-ip=ADDRESS       the host's address, for ports published on 0.0.0.0 and ::
                         [the address of the default route's interface]
  -prefix=/SERVICE       the etcd key prefix [/SERVICE]
  -h, --help             this text

A container declares its check in its environment: HEALTHCHECK=COMMAND (run with the
container's IP address appended, in a new container of the same image) and optionally
HEALTHCHECKPERIOD=SECONDS [30].`;

type Flag = 'etcd-host' | 'loglevel' | 'stdout' | 'syslog' | 'docker-socket' | 'host-ip' | 'prefix' | 'help';
const BOOLEAN: ReadonlySet<Flag> = new Set(['stdout', 'syslog', 'help']);
const FLAGS: ReadonlySet<string> = new Set<Flag>(['etcd-host', 'loglevel', 'stdout', 'syslog', 'docker-socket', 'host-ip', 'prefix', 'help']);

/** Go's flag package's booleans. */
function parseBool(name: string, text: string): boolean {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(text)) return false;
  throw new UsageError(`-${name}=${text}: write -${name}=true or -${name}=false`);
}

/** The Docker socket from DOCKER_HOST (unix://PATH only) or the default. */
function defaultDockerSocket(env: NodeJS.ProcessEnv): string {
  const host = env.DOCKER_HOST;
  if (host === undefined || host === '') return '/var/run/docker.sock';
  if (host.startsWith('unix://')) return host.slice('unix://'.length);
  throw new UsageError(`DOCKER_HOST=${host}: checker talks to dockerd over its unix socket only: set DOCKER_HOST=unix://PATH or -docker-socket=PATH`);
}

function parseEndpoints(text: string): HostPort[] {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.some((p) => p === '')) throw new UsageError(`-etcd-host=${withoutUserinfo(text)}: give HOST[:PORT] endpoints separated by commas`);
  return parts.map((part) => {
    const parsed = parseHostPort(part.replace(/^https?:\/\//, ''), { defaultPort: ETCD_DEFAULT_PORT });
    if (!parsed.ok) throw new UsageError(`-etcd-host: '${withoutUserinfo(part)}' ${parsed.reason}`);
    return parsed.value;
  });
}

function parsePrefix(text: string): string {
  const trimmed = text.replace(/\/+$/, '');
  if (!trimmed.startsWith('/') || trimmed.includes('//')) throw new UsageError(`-prefix=${text}: the prefix is a path such as /SERVICE`);
  return trimmed;
}

/** Reads checker's command line Go-style; throws a UsageError that says what to fix. */
export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Parsed {
  const values = new Map<Flag, string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    let name = eq < 0 ? body : body.slice(0, eq);
    if (name === 'h') name = 'help';
    if (!FLAGS.has(name)) throw new UsageError(`unknown option ${arg}: see checker -h`);
    const flag = name as Flag;
    if (eq >= 0) values.set(flag, body.slice(eq + 1));
    else if (BOOLEAN.has(flag)) values.set(flag, 'true');
    else if (i + 1 < argv.length) values.set(flag, argv[++i] as string);
    else throw new UsageError(`${arg} needs a value: ${arg}=VALUE`);
  }
  if (values.has('help') && parseBool('help', values.get('help') as string)) return { help: true };

  const [command, ...rest] = positional;
  if (command === undefined) throw new UsageError('no command: give check, monitor or listener (checker -h)');
  if (!(COMMANDS as readonly string[]).includes(command)) throw new UsageError(`unknown command '${command}': give check, monitor or listener`);
  const cmd = command as Command;
  let container: string | null = null;
  if (cmd === 'listener') {
    if (rest.length > 0) throw new UsageError(`listener takes no container (got '${rest.join(' ')}')`);
  } else {
    if (rest.length !== 1) throw new UsageError(rest.length === 0 ? `${cmd} needs a CONTAINER (name or id)` : `${cmd} takes one CONTAINER (got '${rest.join(' ')}')`);
    container = rest[0] as string;
  }

  const level = (values.get('loglevel') ?? 'INFO').toUpperCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) throw new UsageError(`-loglevel=${values.get('loglevel')}: give one of ${LOG_LEVELS.join(', ')}`);
  const hostIp = values.get('host-ip') ?? null;
  if (hostIp !== null && isIP(hostIp) === 0) throw new UsageError(`-host-ip=${hostIp}: give an IP address`);
  return {
    help: false,
    options: {
      command: cmd,
      container,
      etcdHosts: parseEndpoints(values.get('etcd-host') ?? `127.0.0.1:${ETCD_DEFAULT_PORT}`),
      logLevel: level as LogLevel,
      stdout: values.has('stdout') ? parseBool('stdout', values.get('stdout') as string) : cmd === 'check',
      syslog: values.has('syslog') ? parseBool('syslog', values.get('syslog') as string) : cmd !== 'check',
      dockerSocket: values.get('docker-socket') ?? defaultDockerSocket(env),
      hostIp,
      prefix: parsePrefix(values.get('prefix') ?? '/SERVICE'),
    },
  };
}
