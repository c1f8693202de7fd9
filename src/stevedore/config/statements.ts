/**
 * Every statement of stevedore.conf in one table: name, arguments, default, help text and
 * validator. interpret.ts validates with it and help.ts prints `stevedore --config-help` from
 * it, so the two cannot drift. A default is written as an operator would write the statement,
 * and goes through the same validator.
 */
import { dirname, resolve } from 'node:path';
import type { Argument, Statement } from './ast.js';
import type { Config, LogLevel, SnmpUserConfig, SourceLocation } from './config.js';
import type { ConfigErrorCode } from './errors.js';
import { parseAgentxAddress, parseHostPort } from './values/address.js';
import { parseBoolean } from './values/boolean.js';
import { parseChoice } from './values/choice.js';
import { parseCidr } from './values/cidr.js';
import { parseCount } from './values/count.js';
import { parseDuration } from './values/duration.js';
import { parseEtcdPrefix, parseLeaseTtl } from './values/etcd.js';
import { parseAccount, parseClusterName, parseCommunity, parseDescription, parseDisplayString, parseHttpHost, parseServiceName, parseSyslogTag, parseToken } from './values/names.js';
import { parseSize } from './values/size.js';
import { valid, type Value } from './values/value.js';

export interface Problem {
  code: ConfigErrorCode;
  message: string;
  at: SourceLocation;
}

/** A service while the file is read: ttl and expire fall back to the global ones at the end. */
export interface ServiceDraft {
  name: string;
  description: string;
  ttlMs: number | null;
  expireMs: number | null;
  maxInstances: number | null;
  declaredAt: SourceLocation;
}

export type Settings = Omit<Config, 'services' | 'files' | 'statementsAt'>;

/** The configuration while its statements are read. */
export interface Draft {
  settings: Settings;
  services: ServiceDraft[];
  servicesByName: Map<string, ServiceDraft>;
  /** Where each `listen` address was given, to report one given twice. */
  listenedAt: Map<string, SourceLocation>;
  /** verify-source as given, if it was: its default depends on docker-socket. */
  verifySource: { value: boolean; at: SourceLocation } | null;
  /** docker-health as given, if it was: its default depends on docker-socket. */
  dockerHealth: { value: boolean; at: SourceLocation } | null;
  /** Where `docker-checks yes` was given: it needs docker-socket. */
  dockerChecksAt: SourceLocation | null;
  /** Where cluster-name was given, if it was: it needs etcd-endpoints. */
  clusterNameAt: SourceLocation | null;
  /** Where cluster-view was given, if it was: it needs cluster-name. */
  clusterViewAt: SourceLocation | null;
}

/** The arguments that stand for an absent statement, or what its absence means. */
export type Default = { args: readonly string[] } | { shown: string } | null;

export interface StatementSpec<Target> {
  readonly name: string;
  /** Its arguments as --config-help shows them: 'DURATION', 'CIDR...'. */
  readonly synopsis: string;
  readonly help: string;
  readonly default: Default;
  /** May appear more than once (its values add up); otherwise a second one is an error. */
  readonly repeatable: boolean;
  readonly arity: { min: number; max: number };
  /** Validates the arguments (their number already checked) and stores their values. */
  apply(target: Target, args: readonly Argument[], statement: Statement): Problem[];
  /** For a statement that takes a block: what the block may hold, and what it sets. */
  readonly block?: Block<Target>;
  /**
   * Its arguments hold a secret (a password, a community, a token): its messages name an
   * argument's position and what is expected there, never the text given.
   */
  readonly secret?: boolean;
}

/**
 * A block's statements, and the object they set, handed to `visit` with types that match;
 * `visit` gives back the names of the statements given (refused ones too). What the block's
 * statements mean together is checked there.
 */
export interface Block<Target> {
  readonly statements: readonly StatementSpec<never>[];
  enter(parent: Target, visit: <B>(statements: readonly StatementSpec<B>[], target: B) => ReadonlySet<string>): Problem[];
}

type Check<T> = (arg: Argument) => Value<T>;

function problemAt(value: { code: ConfigErrorCode; message: string }, at: SourceLocation): Problem {
  return { code: value.code, message: value.message, at };
}

interface Fields<Target, T> {
  name: string;
  synopsis: string;
  help: string;
  default: Default;
  repeatable?: boolean;
  /** As StatementSpec.secret: `check` must not repeat the text either. */
  secret?: boolean;
  check: Check<T>;
  /** Stores a valid value; a message if it conflicts with what is already there. */
  store(target: Target, value: T, arg: Argument): Problem | void;
}

/** A statement of exactly one argument. */
function one<Target, T>(fields: Fields<Target, T>): StatementSpec<Target> {
  return {
    name: fields.name,
    synopsis: fields.synopsis,
    help: fields.help,
    default: fields.default,
    repeatable: fields.repeatable ?? false,
    arity: { min: 1, max: 1 },
    ...(fields.secret && { secret: true }),
    apply(target, args) {
      const arg = args[0] as Argument;
      const value = fields.check(arg);
      if (!value.ok) return [problemAt(value, arg.loc)];
      const conflict = fields.store(target, value.value, arg);
      return conflict ? [conflict] : [];
    },
  };
}

/** A statement of one or more arguments, each a value of the same list. */
function many<Target, T>(fields: Fields<Target, T>): StatementSpec<Target> {
  return {
    ...one(fields),
    repeatable: true,
    arity: { min: 1, max: Infinity },
    apply(target, args) {
      const problems: Problem[] = [];
      for (const arg of args) {
        const value = fields.check(arg);
        if (!value.ok) problems.push(problemAt(value, arg.loc));
        else fields.store(target, value.value, arg);
      }
      return problems;
    },
  };
}

const text = (arg: Argument): string => arg.value;
const duration: Check<number> = (arg) => parseDuration(text(arg));
const count: Check<number> = (arg) => parseCount(text(arg));
/** A path relative to the directory of the file that names it, as `include` reads them. */
const path: Check<string> = (arg) => valid(resolve(dirname(arg.loc.file), arg.value));

const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error'];
const SYSLOG_FACILITIES = ['kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp',
  'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'] as const;

const LOOPBACK = ['127.0.0.0/8', '::1/128'];
/** Loopback and the private ranges: RFC 1918 for IPv4, RFC 4193 unique local for IPv6. */
const PRIVATE_RANGES = [...LOOPBACK, '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'];

export const SERVICE_STATEMENTS: readonly StatementSpec<ServiceDraft>[] = [
  one<ServiceDraft, string>({
    name: 'description', synopsis: 'TEXT', help: 'what the service is, shown to the NMS', default: { args: [''] },
    check: (arg) => parseDescription(arg.value),
    store: (service, value) => void (service.description = value),
  }),
  one<ServiceDraft, number>({
    name: 'ttl', synopsis: 'DURATION', help: 'this service\'s ttl', default: { shown: 'the global ttl' },
    check: duration,
    store: (service, value) => void (service.ttlMs = value),
  }),
  one<ServiceDraft, number>({
    name: 'expire', synopsis: 'DURATION', help: 'this service\'s expire', default: { shown: 'the global expire' },
    check: duration,
    store: (service, value) => void (service.expireMs = value),
  }),
  one<ServiceDraft, number>({
    name: 'max-instances', synopsis: 'N', help: 'cap on this service\'s instances', default: { shown: 'only the global cap' },
    check: count,
    store: (service, value) => void (service.maxInstances = value),
  }),
];

const service: StatementSpec<Draft> = {
  name: 'service',
  synopsis: 'NAME',
  help: 'a service whose containers report (at least one)',
  default: null,
  repeatable: true,
  arity: { min: 1, max: 1 },
  apply(draft, args, statement) {
    const arg = args[0] as Argument;
    // Drafted even when wrong, so that its block is checked in the same run.
    const drafted: ServiceDraft = { name: arg.value, description: '', ttlMs: null, expireMs: null, maxInstances: null, declaredAt: statement.loc };
    draft.services.push(drafted);
    const name = parseServiceName(arg.value);
    if (!name.ok) return [problemAt(name, arg.loc)];
    const earlier = draft.servicesByName.get(arg.value);
    if (earlier) {
      const { file, line } = earlier.declaredAt;
      return [{ code: 'CONFIG_DUPLICATE', message: `service '${arg.value}' already defined at ${file}:${line}`, at: arg.loc }];
    }
    draft.servicesByName.set(arg.value, drafted);
    return [];
  },
  block: {
    statements: SERVICE_STATEMENTS,
    enter: (draft, visit) => {
      visit(SERVICE_STATEMENTS, draft.services[draft.services.length - 1] as ServiceDraft);
      return [];
    },
  },
};

/** Net-SNMP refuses a USM passphrase of fewer than 8 characters (as RFC 3414 section 11.2 advises). */
const USM_PASSWORD_MIN = 8;

/** `auth PROTOCOL PASSWORD;` and `priv PROTOCOL PASSWORD;` of an snmp-user block. */
function secret<K extends 'auth' | 'priv'>(name: K, protocols: readonly NonNullable<SnmpUserConfig[K]>['protocol'][], help: string): StatementSpec<SnmpUserConfig> {
  return {
    name, synopsis: 'PROTOCOL PASSWORD', help: `${help}: ${protocols.join('|')}`, default: { shown: 'none' }, repeatable: false, arity: { min: 2, max: 2 }, secret: true,
    apply(user, args) {
      const [protocolArg, passwordArg] = args as [Argument, Argument];
      // Arguments swapped would put the password where the protocol goes: no text is repeated.
      if (!(protocols as readonly string[]).includes(protocolArg.value)) {
        const expected = `${protocols.slice(0, -1).join(', ')} or ${protocols[protocols.length - 1]}, then the password`;
        return [{ code: 'CONFIG_BAD_CHOICE', message: `snmp-user ${user.name}: ${name} takes PROTOCOL PASSWORD (${expected}): its first argument is not a protocol`, at: protocolArg.loc }];
      }
      const protocol = protocolArg.value as NonNullable<SnmpUserConfig[K]>['protocol'];
      if ([...passwordArg.value].length < USM_PASSWORD_MIN) {
        return [{ code: 'CONFIG_BAD_TEXT', message: `snmp-user '${user.name}': the ${name} password is too short (at least ${USM_PASSWORD_MIN} characters)`, at: passwordArg.loc }];
      }
      (user as { [k in K]: unknown })[name] = { protocol, password: passwordArg.value };
      return [];
    },
  };
}

export const SNMP_USER_STATEMENTS: readonly StatementSpec<SnmpUserConfig>[] = [
  secret('auth', ['sha', 'sha256', 'sha512'], 'authentication'),
  secret('priv', ['aes', 'aes256'], 'privacy (needs auth)'),
];

const USER_NAME = /^[\x21-\x7e]{1,32}$/;

const snmpUser: StatementSpec<Draft> = {
  name: 'snmp-user',
  synopsis: 'NAME',
  help: 'an SNMPv3 user of the embedded agent (repeatable)',
  default: { shown: 'none' },
  repeatable: true,
  arity: { min: 1, max: 1 },
  apply(draft, args, statement) {
    const arg = args[0] as Argument;
    // Drafted even when wrong, so that its block is checked in the same run.
    const earlier = draft.settings.snmpUsers.find((u) => u.name === arg.value);
    draft.settings.snmpUsers.push({ name: arg.value, auth: null, priv: null, declaredAt: statement.loc });
    if (!USER_NAME.test(arg.value)) return [{ code: 'CONFIG_BAD_NAME', message: `bad snmp-user name '${arg.value}' (1 to 32 visible ASCII characters)`, at: arg.loc }];
    if (earlier) return [{ code: 'CONFIG_DUPLICATE', message: `snmp-user '${arg.value}' already defined at ${earlier.declaredAt.file}:${earlier.declaredAt.line}`, at: arg.loc }];
    return [];
  },
  block: {
    statements: SNMP_USER_STATEMENTS,
    enter(draft, visit) {
      const user = draft.settings.snmpUsers[draft.settings.snmpUsers.length - 1] as SnmpUserConfig;
      const given = visit(SNMP_USER_STATEMENTS, user);
      // An auth refused has its own error: priv is not also said to lack it.
      if (user.priv === null || given.has('auth')) return [];
      return [{ code: 'CONFIG_CONFLICT', message: `snmp-user '${user.name}': priv needs auth (the USM encrypts only authenticated messages)`, at: user.declaredAt }];
    },
  },
};

const SINK_USAGE = "'snmp-trap-sink' takes HOST[:PORT] COMMUNITY or HOST[:PORT] user NAME";

/**
 * `snmp-trap-sink HOST[:PORT] [COMMUNITY];` or `snmp-trap-sink HOST[:PORT] user NAME;`. Secret:
 * the community, which a slip can also put where HOST goes.
 */
const snmpTrapSink: StatementSpec<Draft> = {
  name: 'snmp-trap-sink',
  synopsis: 'HOST[:PORT] ...',
  help: 'notifications to HOST: [COMMUNITY] (v2c) or user NAME (v3); repeatable',
  default: { shown: 'none' },
  repeatable: true,
  arity: { min: 1, max: 3 },
  secret: true,
  apply(draft, args, statement) {
    const [where, second, third] = args as [Argument, Argument | undefined, Argument | undefined];
    const address = parseHostPort(where.value, 162, 'HOST or HOST:PORT');
    if (!address.ok) return [{ code: address.code, message: `${SINK_USAGE}: its first argument is not HOST[:PORT] (as 192.0.2.1:162 or [::1]:162)`, at: where.loc }];
    if (third !== undefined) {
      if (second?.value !== 'user') return [{ code: 'CONFIG_ARGUMENT_COUNT', message: SINK_USAGE, at: (second ?? where).loc }];
      draft.settings.snmpTrapSinks.push({ address: address.value, user: third.value, declaredAt: statement.loc });
      return [];
    }
    if (second === undefined) {
      draft.settings.snmpTrapSinks.push({ address: address.value, community: null, declaredAt: statement.loc });
      return [];
    }
    if (second.value === 'user') return [{ code: 'CONFIG_ARGUMENT_COUNT', message: `${SINK_USAGE}: NAME is missing after 'user' (the snmp-user to send as)`, at: second.end }];
    const community = parseCommunity(second.value);
    if (!community.ok || community.value === null) return [{ code: 'CONFIG_BAD_NAME', message: `${SINK_USAGE}: its second argument is not a community (1 to 64 visible ASCII characters)`, at: second.loc }];
    draft.settings.snmpTrapSinks.push({ address: address.value, community: community.value, declaredAt: statement.loc });
    return [];
  },
};

/** `rate-limit N [BURST];` (BURST: 4 N when absent) or `rate-limit off;`. */
const rateLimit: StatementSpec<Draft> = {
  name: 'rate-limit',
  synopsis: 'N [BURST] | off',
  help: 'reports/s per source address, and at once (BURST: 4 N); off: no limit',
  default: { args: ['50', '200'] },
  repeatable: false,
  arity: { min: 1, max: 2 },
  apply(draft, args) {
    const [first, second] = args as [Argument, Argument | undefined];
    if (first.value === 'off' && second === undefined) {
      draft.settings.rateLimit = null;
      return [];
    }
    const perSecond = parseCount(first.value);
    const burst = second === undefined ? null : parseCount(second.value);
    const problems: Problem[] = [];
    if (!perSecond.ok) problems.push(problemAt({ code: perSecond.code, message: `${perSecond.message}; or 'rate-limit off;'` }, first.loc));
    if (burst !== null && !burst.ok) problems.push(problemAt(burst, (second as Argument).loc));
    if (perSecond.ok && (burst === null || burst.ok)) {
      draft.settings.rateLimit = { perSecond: perSecond.value, burst: burst === null ? perSecond.value * 4 : burst.value };
    }
    return problems;
  },
};

export const STATEMENTS: readonly StatementSpec<Draft>[] = [
  service,
  one<Draft, Config['listen'][number]>({
    name: 'listen', synopsis: 'ADDRESS[:PORT]', help: 'where the collector takes reports (repeatable)', default: { args: ['0.0.0.0:8990'] },
    repeatable: true,
    check: (arg) => parseHostPort(arg.value, 8990, 'ADDRESS or ADDRESS:PORT, as 0.0.0.0:8990 or [::1]:8990'),
    store(draft, value, arg) {
      const key = `${value.host} ${value.port}`;
      const earlier = draft.listenedAt.get(key);
      if (earlier) return { code: 'CONFIG_DUPLICATE', message: `listen '${arg.value}' already given at ${earlier.file}:${earlier.line}`, at: arg.loc };
      draft.listenedAt.set(key, arg.loc);
      draft.settings.listen.push(value);
    },
  }),
  one<Draft, Config['agentxSocket']>({
    name: 'agentx-socket', synopsis: 'ADDRESS | none', help: 'the snmpd AgentX master: /path, unix:/path, tcp:HOST:PORT', default: { args: ['/var/agentx/master'] },
    check: (arg) => parseAgentxAddress(arg.value),
    store: (draft, value) => void (draft.settings.agentxSocket = value),
  }),
  one<Draft, number>({
    name: 'agentx-ping-interval', synopsis: 'DURATION', help: 'how often the AgentX session is checked', default: { args: ['15s'] },
    check: duration,
    store: (draft, value) => void (draft.settings.agentxPingIntervalMs = value),
  }),
  one<Draft, Config['snmpListen']>({
    name: 'snmp-listen', synopsis: 'ADDRESS:PORT', help: 'the embedded SNMP agent, over UDP', default: { shown: 'off' },
    check: (arg) => parseHostPort(arg.value, null, 'ADDRESS:PORT, as 127.0.0.1:161 or [::1]:161'),
    store: (draft, value) => void (draft.settings.snmpListen = value),
  }),
  one<Draft, string | null>({
    name: 'snmp-community', synopsis: 'NAME | none', help: 'SNMPv1/v2c community of the embedded agent; none: v3 only', default: { args: ['public'] },
    secret: true,
    check: (arg) => parseCommunity(arg.value),
    store: (draft, value) => void (draft.settings.snmpCommunity = value),
  }),
  one<Draft, string>({
    name: 'snmp-contact', synopsis: 'STRING', help: 'sysContact of the embedded agent', default: { args: [''] },
    check: (arg) => parseDisplayString('snmp-contact', arg.value),
    store: (draft, value) => void (draft.settings.snmpContact = value),
  }),
  one<Draft, string>({
    name: 'snmp-location', synopsis: 'STRING', help: 'sysLocation of the embedded agent', default: { args: [''] },
    check: (arg) => parseDisplayString('snmp-location', arg.value),
    store: (draft, value) => void (draft.settings.snmpLocation = value),
  }),
  snmpUser,
  snmpTrapSink,
  one<Draft, number>({
    name: 'ttl', synopsis: 'DURATION', help: 'no report for this long: an instance turns stale', default: { args: ['90s'] },
    check: duration,
    store: (draft, value) => void (draft.settings.ttlMs = value),
  }),
  one<Draft, number>({
    name: 'expire', synopsis: 'DURATION', help: 'stale for this long: an instance is removed', default: { args: ['1h'] },
    check: duration,
    store: (draft, value) => void (draft.settings.expireMs = value),
  }),
  one<Draft, number>({
    name: 'max-output', synopsis: 'SIZE', help: 'bytes kept per output stream of a report', default: { args: ['4k'] },
    check: (arg) => parseSize(arg.value),
    store: (draft, value) => void (draft.settings.maxOutputBytes = value),
  }),
  one<Draft, number>({
    name: 'max-instances', synopsis: 'N', help: 'cap on instances, across all services', default: { args: ['10000'] },
    check: count,
    store: (draft, value) => void (draft.settings.maxInstances = value),
  }),
  many<Draft, Config['allow'][number]>({
    name: 'allow', synopsis: 'CIDR...', help: 'who may send reports (repeatable)', default: { args: PRIVATE_RANGES },
    check: (arg) => parseCidr(arg.value),
    store: (draft, value) => void draft.settings.allow.push(value),
  }),
  many<Draft, Config['deny'][number]>({
    name: 'deny', synopsis: 'CIDR...', help: 'who may not, whatever allow says (repeatable)', default: { shown: 'none' },
    check: (arg) => parseCidr(arg.value),
    store: (draft, value) => void draft.settings.deny.push(value),
  }),
  one<Draft, string>({
    name: 'token', synopsis: 'STRING', help: 'reports must carry it (Authorization: Bearer)', default: { shown: 'none' },
    secret: true,
    check: (arg) => parseToken(arg.value),
    store: (draft, value) => void (draft.settings.token = value),
  }),
  rateLimit,
  one<Draft, Config['httpListen'][number] | null>({
    name: 'http-listen', synopsis: 'ADDRESS:PORT | none', help: 'where stevedore answers reads: JSON API, /metrics, events, page (repeatable)', default: { args: ['127.0.0.1:8991'] },
    repeatable: true,
    check: (arg) => (arg.value === 'none' ? valid(null) : parseHostPort(arg.value, null, "ADDRESS:PORT, as 127.0.0.1:8991 or [::1]:8991, or 'none'")),
    store(draft, value, arg) {
      // Kept apart from `listen`'s addresses in the same map: a clash between the two is a bind error.
      const key = value === null ? 'http none' : `http ${value.host} ${value.port}`;
      const clash = value === null ? [...draft.listenedAt.keys()].find((k) => k.startsWith('http ')) : draft.listenedAt.has('http none') ? 'http none' : key;
      const earlier = clash === undefined ? undefined : draft.listenedAt.get(clash);
      if (earlier) {
        const why = value === null || clash === 'http none' ? "'http-listen none' turns the read listener off: give addresses or none, not both" : 'already given';
        return { code: 'CONFIG_DUPLICATE', message: `http-listen '${arg.value}': ${why} (see ${earlier.file}:${earlier.line})`, at: arg.loc };
      }
      draft.listenedAt.set(key, arg.loc);
      if (value !== null) draft.settings.httpListen.push(value);
    },
  }),
  many<Draft, Config['httpAllow'][number]>({
    name: 'http-allow', synopsis: 'CIDR...', help: 'who may read from http-listen (repeatable)', default: { args: LOOPBACK },
    check: (arg) => parseCidr(arg.value),
    store: (draft, value) => void draft.settings.httpAllow.push(value),
  }),
  many<Draft, string>({
    name: 'http-host', synopsis: 'NAME...', help: "more names the read listener answers to without http-token (repeatable; its addresses, localhost and this host's name always)", default: { shown: 'none' },
    check: (arg) => parseHttpHost(arg.value),
    store: (draft, value) => void draft.settings.httpHosts.push(value),
  }),
  one<Draft, string>({
    name: 'http-token', synopsis: 'STRING', help: 'reads must carry it (Authorization: Bearer); without it, only requests addressed to an IP address, localhost or this host\'s name are answered (DNS rebinding)', default: { shown: 'none' },
    secret: true,
    check: (arg) => parseToken(arg.value),
    store: (draft, value) => void (draft.settings.httpToken = value),
  }),
  one<Draft, number>({
    name: 'max-connections', synopsis: 'N', help: 'open connections per listen and http-listen address, from allowed sources (others are reset at once); more are closed at once', default: { args: ['512'] },
    check: count,
    store: (draft, value) => void (draft.settings.maxConnections = value),
  }),
  one<Draft, string>({
    name: 'state-file', synopsis: 'FILE', help: 'where the registry survives restarts', default: { shown: 'none' },
    check: path,
    store: (draft, value) => void (draft.settings.stateFile = value),
  }),
  one<Draft, string>({
    name: 'pidfile', synopsis: 'FILE', help: 'where the daemon writes its process id', default: { shown: 'none' },
    check: path,
    store: (draft, value) => void (draft.settings.pidfile = value),
  }),
  one<Draft, string>({
    name: 'user', synopsis: 'NAME', help: 'the user to run as, once started', default: { shown: 'as started' },
    check: (arg) => parseAccount(arg.value, 'user'),
    store: (draft, value) => void (draft.settings.user = value),
  }),
  one<Draft, string>({
    name: 'group', synopsis: 'NAME', help: 'the group to run as, once started', default: { shown: 'as started' },
    check: (arg) => parseAccount(arg.value, 'group'),
    store: (draft, value) => void (draft.settings.group = value),
  }),
  one<Draft, LogLevel>({
    name: 'log-level', synopsis: 'LEVEL', help: 'trace, debug, info, warn or error', default: { args: ['info'] },
    check: (arg) => parseChoice(arg.value, LOG_LEVELS, 'log level'),
    store: (draft, value) => void (draft.settings.logLevel = value),
  }),
  one<Draft, boolean>({
    name: 'syslog', synopsis: 'yes|no', help: 'log to syslog too', default: { args: ['no'] },
    check: (arg) => parseBoolean(arg.value),
    store: (draft, value) => void (draft.settings.syslog = value),
  }),
  one<Draft, string>({
    name: 'syslog-facility', synopsis: 'NAME', help: 'daemon, user, local0 to local7...', default: { args: ['daemon'] },
    check: (arg) => parseChoice(arg.value, SYSLOG_FACILITIES, 'syslog facility'),
    store: (draft, value) => void (draft.settings.syslogFacility = value),
  }),
  one<Draft, string>({
    name: 'syslog-tag', synopsis: 'TAG', help: 'the program name in syslog lines', default: { args: ['stevedore'] },
    check: (arg) => parseSyslogTag(arg.value),
    store: (draft, value) => void (draft.settings.syslogTag = value),
  }),
  one<Draft, string>({
    name: 'docker-socket', synopsis: 'PATH', help: 'follow containers through the Docker Engine API', default: { shown: 'off' },
    check: path,
    store: (draft, value) => void (draft.settings.dockerSocket = value),
  }),
  one<Draft, boolean>({
    name: 'verify-source', synopsis: 'yes|no', help: 'accept a report only from the container it names', default: { shown: 'yes with docker-socket' },
    check: (arg) => parseBoolean(arg.value),
    store: (draft, value, arg) => void (draft.verifySource = { value, at: arg.loc }),
  }),
  one<Draft, boolean>({
    name: 'docker-health', synopsis: 'yes|no', help: "containers with a Docker HEALTHCHECK are instances, fed by Docker's own results", default: { shown: 'yes with docker-socket' },
    check: (arg) => parseBoolean(arg.value),
    store: (draft, value, arg) => void (draft.dockerHealth = { value, at: arg.loc }),
  }),
  one<Draft, boolean>({
    name: 'auto-services', synopsis: 'yes|no', help: 'services that containers name (docker-health, docker-checks) and no statement declares are created with the defaults; no: declared ones only', default: { args: ['yes'] },
    check: (arg) => parseBoolean(arg.value),
    store: (draft, value) => void (draft.settings.autoServices = value),
  }),
  one<Draft, boolean>({
    name: 'docker-checks', synopsis: 'yes|no', help: 'check containers from outside, as checker does (needs docker-socket)', default: { args: ['no'] },
    check: (arg) => parseBoolean(arg.value),
    store(draft, value, arg) {
      draft.settings.dockerChecks = value;
      draft.dockerChecksAt = value ? arg.loc : null;
    },
  }),
  many<Draft, Config['etcdEndpoints'][number]>({
    name: 'etcd-endpoints', synopsis: 'HOST:PORT...', help: 'etcd\'s client endpoints, tried in turn: ok instances are published there (etcd-prefix), and the cluster shared (cluster-name) (repeatable)', default: { shown: 'none' },
    check: (arg) => parseHostPort(arg.value, 2379, 'HOST:PORT, as 127.0.0.1:2379'),
    store: (draft, value) => void draft.settings.etcdEndpoints.push(value),
  }),
  one<Draft, string>({
    name: 'etcd-prefix', synopsis: 'PATH', help: 'etcd keys are PATH/SERVICE/INSTANCE', default: { args: ['/SERVICE'] },
    check: (arg) => parseEtcdPrefix(arg.value),
    store: (draft, value) => void (draft.settings.etcdPrefix = value),
  }),
  one<Draft, number>({
    name: 'etcd-ttl', synopsis: 'DURATION', help: 'the TTL of stevedore\'s etcd lease: keys outlive a crash this long', default: { args: ['10s'] },
    check: (arg) => parseLeaseTtl(arg.value),
    store: (draft, value) => void (draft.settings.etcdTtlSeconds = value),
  }),
  one<Draft, string>({
    name: 'cluster-name', synopsis: 'NAME', help: 'publish this registry to the cluster NAME in etcd (needs etcd-endpoints)', default: { shown: 'none' },
    check: (arg) => parseClusterName('cluster-name', arg.value),
    store(draft, value, arg) {
      draft.settings.clusterName = value;
      draft.clusterNameAt = arg.loc;
    },
  }),
  one<Draft, string>({
    name: 'cluster-host', synopsis: 'NAME', help: 'this stevedore\'s name in the cluster', default: { shown: 'the host\'s name' },
    check: (arg) => parseClusterName('cluster-host', arg.value),
    store: (draft, value) => void (draft.settings.clusterHost = value),
  }),
  one<Draft, boolean>({
    name: 'cluster-view', synopsis: 'yes|no', help: 'serve every host\'s instances of the cluster, not only this host\'s', default: { args: ['no'] },
    check: (arg) => parseBoolean(arg.value),
    store(draft, value, arg) {
      draft.settings.clusterView = value;
      draft.clusterViewAt = arg.loc;
    },
  }),
  {
    // Read by include.ts before interpretation: its statements take its place.
    name: 'include', synopsis: 'FILE', help: 'read FILE\'s statements here (relative to this file)', default: null,
    repeatable: true, arity: { min: 1, max: 1 }, apply: () => [],
  },
];

