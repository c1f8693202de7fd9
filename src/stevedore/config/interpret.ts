/**
 * The syntax tree (includes already in place) to the typed Config: every statement checked
 * against the table of statements.ts, defaults filled in for those absent. Every semantic error
 * of the file is reported in the same run; any error means no Config.
 */
import { hostname } from 'node:os';
import type { Argument, Statement } from './ast.js';
import type { Config, ServiceConfig, SourceLocation } from './config.js';
import { ConfigError } from './errors.js';
import { blockContext, mayShow, type QuoteContext } from './quote.js';
import { SERVICE_STATEMENTS, SNMP_USER_STATEMENTS, STATEMENTS, type Draft, type Problem, type StatementSpec } from './statements.js';
import { argumentCount, missingSemicolon, usage } from './statement-shape.js';
import { closest } from './suggest.js';
import { CLUSTER_NAME_RULE, parseClusterName } from './values/names.js';

export type Interpreted = { ok: true; config: Config } | { ok: false; errors: ConfigError[] };

const MAIN = new Map(STATEMENTS.map((s) => [s.name, s]));
const IN_SERVICE = new Map(SERVICE_STATEMENTS.map((s) => [s.name, s]));
const IN_SNMP_USER = new Map(SNMP_USER_STATEMENTS.map((s) => [s.name, s]));
const DEFAULT_PLACE: SourceLocation = { file: '(default)', line: 0, col: 0 };

interface Scope<Target> {
  table: ReadonlyMap<string, StatementSpec<Target>>;
  /** Why a statement of the other scope is not allowed here. */
  misplaced: (name: string) => string | null;
  /** How messages quote its statements; in a block of secret statements, also what it takes (an unknown word there is not repeated). */
  quoting: QuoteContext;
}

const MAIN_SCOPE: Scope<Draft> = {
  table: MAIN,
  quoting: {},
  misplaced: (name) =>
    IN_SERVICE.has(name) ? `'${name}' belongs in a service block: service NAME { ${name} ...; }`
    : IN_SNMP_USER.has(name) ? `'${name}' belongs in an snmp-user block: snmp-user NAME { ${name} ...; }`
    : null,
};

/** The scope inside a block of `keyword`: its own statements; the main ones are misplaced there. */
function blockScope<Target>(keyword: Argument, statements: readonly StatementSpec<Target>[]): Scope<Target> {
  const table = new Map(statements.map((s) => [s.name, s]));
  return {
    table,
    misplaced: (name) => (MAIN.has(name) ? `'${name}' is not allowed in a ${keyword.value} block (only ${[...table.keys()].join(', ')})` : null),
    quoting: blockContext([keyword]),
  };
}

class Interpreter {
  readonly problems: Problem[] = [];

  /** Applies the statements of one scope to its target; returns the names given. */
  statements<Target>(statements: readonly Statement[], scope: Scope<Target>, target: Target): Map<string, Statement> {
    const given = new Map<string, Statement>();
    for (const statement of statements) {
      const name = statement.keyword.value;
      const spec = scope.table.get(name);
      if (!spec) {
        this.unknown(statement, scope);
        continue;
      }
      const first = given.get(name);
      if (first && !spec.repeatable) {
        const { file, line } = first.loc;
        this.problems.push({ code: 'CONFIG_DUPLICATE', message: `'${name}' already set at ${file}:${line}`, at: statement.loc });
        continue;
      }
      if (!first) given.set(name, statement);
      if (statement.block && !spec.block) {
        this.problems.push({ code: 'CONFIG_UNEXPECTED_BLOCK', message: `'${name}' takes no block: ${usage(spec)}`, at: statement.block.open });
      }
      const wrong = missingSemicolon(statement, spec, scope.quoting) ?? argumentCount(statement, spec);
      if (wrong) {
        this.problems.push(wrong);
        continue;
      }
      this.problems.push(...spec.apply(target, statement.args, statement));
      if (spec.block) this.problems.push(...spec.block.enter(target, (table, inner) => this.block(statement, table, inner)));
    }
    return given;
  }

  private block<Target>(statement: Statement, table: readonly StatementSpec<Target>[], target: Target): ReadonlySet<string> {
    const given = this.statements(statement.block?.statements ?? [], blockScope(statement.keyword, table), target);
    this.defaults(table, given, target);
    return new Set(given.keys());
  }

  private unknown<Target>(statement: Statement, scope: Scope<Target>): void {
    const name = statement.keyword.value;
    const misplaced = scope.misplaced(name);
    if (misplaced) {
      this.problems.push({ code: 'CONFIG_MISPLACED_STATEMENT', message: misplaced, at: statement.loc });
      return;
    }
    if (!mayShow(name)) {
      this.problems.push({ code: 'CONFIG_UNKNOWN_STATEMENT', message: "unknown statement, not repeated as it holds '@' (stevedore --config-help lists them)", at: statement.loc });
      return;
    }
    if (scope.quoting.secretBlock) {
      const only = scope.quoting.secretBlock.join(', ');
      this.problems.push({ code: 'CONFIG_UNKNOWN_STATEMENT', message: `unknown statement: this block takes only ${only}, each followed by its arguments`, at: statement.loc });
      return;
    }
    const near = closest(name, scope.table.keys());
    const hint = near ? `did you mean '${near}'?` : 'stevedore --config-help lists them';
    this.problems.push({ code: 'CONFIG_UNKNOWN_STATEMENT', message: `unknown statement '${name}' (${hint})`, at: statement.loc });
  }

  /** Gives every statement not given its default, through its own validator. */
  defaults<Target>(table: readonly StatementSpec<Target>[], given: ReadonlyMap<string, Statement>, target: Target): void {
    for (const spec of table) {
      if (given.has(spec.name) || spec.default === null || !('args' in spec.default)) continue;
      const args: Argument[] = spec.default.args.map((value) => ({ type: 'word', value, text: value, loc: DEFAULT_PLACE, end: DEFAULT_PLACE }));
      const keyword: Argument = { type: 'word', value: spec.name, text: spec.name, loc: DEFAULT_PLACE, end: DEFAULT_PLACE };
      const wrong = spec.apply(target, args, { keyword, args, block: null, loc: DEFAULT_PLACE });
      if (wrong.length > 0) throw new Error(`the default of '${spec.name}' does not validate: ${wrong[0]?.message}`);
    }
  }
}

function blankDraft(): Draft {
  return {
    // Placeholders: every field without a null default is set from the table's defaults.
    settings: {
      listen: [], agentxSocket: null, agentxPingIntervalMs: 0, snmpListen: null, snmpCommunity: null, snmpContact: '', snmpLocation: '', snmpUsers: [], snmpTrapSinks: [], ttlMs: 0, expireMs: 0,
      maxOutputBytes: 0, maxInstances: 0, allow: [], deny: [], token: null, rateLimit: null, httpListen: [], httpAllow: [], httpHosts: [], httpToken: null, maxConnections: 0, stateFile: null, pidfile: null, user: null,
      group: null, logLevel: 'info', syslog: false, syslogFacility: '', syslogTag: '', dockerSocket: null, verifySource: false,
      dockerHealth: false, autoServices: true,
      dockerChecks: false, etcdEndpoints: [], etcdPrefix: '', etcdTtlSeconds: 0,
      clusterName: null, clusterHost: '', clusterView: false,
    },
    services: [],
    servicesByName: new Map(),
    listenedAt: new Map(),
    verifySource: null,
    dockerHealth: null,
    dockerChecksAt: null,
    clusterNameAt: null,
    clusterViewAt: null,
  };
}

function toError(problem: Problem): ConfigError {
  return new ConfigError(problem.code, problem.message, problem.at);
}

/** What the snmp-trap-sink statements mean with the snmp-user blocks. */
function snmpUserProblems(settings: Draft['settings']): Problem[] {
  const problems: Problem[] = [];
  for (const sink of settings.snmpTrapSinks) {
    if ('user' in sink && !settings.snmpUsers.some((u) => u.name === sink.user)) {
      problems.push({ code: 'CONFIG_CONFLICT', message: `snmp-trap-sink names snmp-user '${sink.user}', which is not defined`, at: sink.declaredAt });
    }
  }
  return problems;
}

function locations(statements: readonly Statement[]): Record<string, SourceLocation[]> {
  const at: Record<string, SourceLocation[]> = {};
  for (const statement of statements) (at[statement.keyword.value] ??= []).push(statement.loc);
  return at;
}

/** cluster-name needs etcd and cluster-view needs cluster-name; cluster-host falls back to the host's name. */
function clusterProblems(draft: Draft): Problem[] {
  const { settings } = draft;
  const problems: Problem[] = [];
  if (settings.clusterHost === '') {
    const host = parseClusterName('cluster-host', hostname().split('.')[0] ?? '');
    if (host.ok) settings.clusterHost = host.value;
    else if (draft.clusterNameAt !== null) {
      problems.push({ code: 'CONFIG_BAD_NAME', message: `this host's name '${hostname()}' cannot name it in the cluster: give 'cluster-host NAME;' (${CLUSTER_NAME_RULE})`, at: draft.clusterNameAt });
    }
  }
  if (draft.clusterNameAt !== null && settings.etcdEndpoints.length === 0) {
    problems.push({ code: 'CONFIG_CONFLICT', message: "cluster-name needs etcd-endpoints: the cluster is shared through etcd (add 'etcd-endpoints HOST:PORT ...;')", at: draft.clusterNameAt });
  }
  if (draft.clusterViewAt !== null && settings.clusterView && settings.clusterName === null) {
    problems.push({ code: 'CONFIG_CONFLICT', message: "cluster-view yes needs cluster-name: the view shows the hosts of one cluster (add 'cluster-name NAME;')", at: draft.clusterViewAt });
  }
  return problems;
}

/** `mainFile` names whole-file errors; `files` is every file read, for Config.files. */
export function interpret(statements: readonly Statement[], mainFile: string, files: readonly string[]): Interpreted {
  const interpreter = new Interpreter();
  const draft = blankDraft();
  const given = interpreter.statements(statements, MAIN_SCOPE, draft);
  interpreter.defaults(STATEMENTS, given, draft);
  const errors = interpreter.problems.map(toError);
  // A malformed `service` statement has its own error: "no service" would only add noise.
  if (!given.has('service')) {
    errors.push(new ConfigError('CONFIG_NO_SERVICE', `no service declared: add at least one 'service NAME;'`, { file: mainFile }));
  }
  const { settings } = draft;
  // Checking a source needs to know the containers: verify-source follows docker-socket.
  settings.verifySource = draft.verifySource?.value ?? settings.dockerSocket !== null;
  if (draft.verifySource?.value && settings.dockerSocket === null) {
    errors.push(new ConfigError('CONFIG_CONFLICT', "verify-source yes needs docker-socket: stevedore checks a report's source address against the container it names", draft.verifySource.at));
  }
  errors.push(...snmpUserProblems(settings).map(toError));
  settings.dockerHealth = draft.dockerHealth?.value ?? settings.dockerSocket !== null;
  if (draft.dockerHealth?.value && settings.dockerSocket === null) {
    errors.push(new ConfigError('CONFIG_CONFLICT', "docker-health yes needs docker-socket: stevedore reads Docker's health checks through the Engine API", draft.dockerHealth.at));
  }
  if (draft.dockerChecksAt !== null && settings.dockerSocket === null) {
    errors.push(new ConfigError('CONFIG_CONFLICT', 'docker-checks yes needs docker-socket: stevedore finds and checks the containers through the Docker Engine API', draft.dockerChecksAt));
  }
  errors.push(...clusterProblems(draft).map(toError));
  if (errors.length > 0) return { ok: false, errors };
  const services = draft.services.map(
    (s): ServiceConfig => ({
      name: s.name,
      description: s.description,
      ttlMs: s.ttlMs ?? settings.ttlMs,
      expireMs: s.expireMs ?? settings.expireMs,
      maxInstances: s.maxInstances,
      declaredAt: s.declaredAt,
    }),
  );
  return { ok: true, config: { services, ...settings, files: [...files], statementsAt: locations(statements) } };
}
