import type { Server } from 'node:http';
import { systemTime } from '../common/time.js';
import { buildCollector } from './collector/app.js';
import { closeAll, listenAll } from './collector/listeners.js';
import type { Config } from './config/config.js';
import { declaredAt } from './config/declared-at.js';
import { formatErrors } from './config/errors.js';
import { loadConfig, type LoadResult } from './config/load.js';
import { createLogger, type Logger } from './logging/logger.js';
import { syslogWarning } from './logging/syslog.js';
import type { StevedoreOptions } from './options.js';
import { StateFile } from './persistence/state-file.js';
import { logEndpoints } from './endpoints.js';
import { detach } from './process/detach.js';
import { writePidfile } from './process/pidfile.js';
import { dropPrivileges } from './process/privileges.js';
import { readinessFromEnvironment, type Readiness } from './process/readiness.js';
import { processRole } from './process/role.js';
import { StopRequested, type SignalInbox } from './process/signal-inbox.js';
import { supervise } from './process/supervisor.js';
import { Registry } from './registry/registry.js';
import { Sweeper } from './registry/sweeper.js';
import { EngineApi } from '../docker/engine-api.js';
import { DockerFollower } from './integrations/docker/follower.js';
import { buildReadApi } from './http/app.js';
import { DockerHealthSource } from './sources/docker-health/source.js';
import { ClusterMember, clusterSettings } from './integrations/cluster/cluster.js';
import { AgentxService } from './snmp/agentx-service.js';
import { EmbeddedAgent } from './snmp/embedded-agent.js';
import { tallymanView } from './snmp/tallyman-view.js';
import { clusterHostNotification } from './snmp/notifications.js';
import { logRegistryEvent } from './state-log.js';
import { applyInOrder, OptionalPart } from './optional-part.js';
import { EtcdConnection, etcdConnectionSettings } from './etcd-connection.js';
import { startEtcdSink } from './sinks/etcd/start-etcd-sink.js';
import { startDockerChecks } from './sources/docker-checks.js';
import { reload } from './reload.js';
import { ServeLifecycle } from './serve-state.js';

function logLevel(options: StevedoreOptions, config: Config): Config['logLevel'] {
  return options.debug ? 'debug' : config.logLevel;
}

function logTarget(options: StevedoreOptions, config: Config, detached: boolean) {
  return {
    level: logLevel(options, config),
    stdout: !detached,
    syslog: config.syslog ? { tag: config.syslogTag, facility: config.syslogFacility } : null,
  };
}

/**
 * The running collector: registry, state file, HTTP listeners, signals. Resolves with the exit
 * status once SIGTERM or SIGINT has stopped it (state written).
 */
async function serve(options: StevedoreOptions, first: Config, log: Logger, readiness: Readiness, signals: SignalInbox): Promise<number> {
  let config = first;
  const time = systemTime;
  const registry = new Registry(config, time);
  registry.subscribe((event) => logRegistryEvent(log, event));
  const stateFile = config.stateFile === null ? null : new StateFile(config.stateFile, registry, time, log);
  await stateFile?.load();

  const view = tallymanView(registry, time, () => cluster.current?.view ?? null);
  const startAgentx = (c: Config): AgentxService | null => {
    if (c.agentxSocket === null) return null;
    const service = new AgentxService(c.agentxSocket, c.agentxPingIntervalMs, view, registry, log.child({ component: 'agentx' }));
    service.start();
    return service;
  };
  const agentx = new OptionalPart({ settings: (c: Config) => [c.agentxSocket, c.agentxPingIntervalMs], start: startAgentx, stop: (service) => service.close() });
  const startDocker = (c: Config): DockerFollower | null => {
    if (c.dockerSocket === null) return null;
    const dockerHealth = c.dockerHealth ? new DockerHealthSource(registry, log.child({ component: 'docker-health' }), time) : null;
    const follower = new DockerFollower(new EngineApi(c.dockerSocket), registry, log.child({ component: 'docker' }), time, undefined, dockerHealth);
    follower.start();
    return follower;
  };
  const docker = new OptionalPart({ settings: (c: Config) => [c.dockerSocket, c.dockerHealth], start: startDocker, stop: (follower) => follower.close() });
  const dockerChecks = new OptionalPart({
    settings: (c: Config) => [c.dockerChecks, c.dockerSocket],
    start: (c: Config) => startDockerChecks(c, registry, log.child({ component: 'docker-checks' }), time),
    stop: (checks) => checks.stop(),
  });
  // One etcd client for every part that talks to etcd; they are listed after it in `parts`.
  const etcd = new OptionalPart({ settings: etcdConnectionSettings, start: EtcdConnection.start, stop: (connection) => connection.close() });
  const etcdSink = new OptionalPart({
    settings: (c: Config) => [c.etcdPrefix, c.etcdTtlSeconds, c.dockerSocket],
    uses: [etcd],
    start: (c: Config) => startEtcdSink(c, etcd.current, registry, log.child({ component: 'etcd' }), time),
    stop: (sink) => sink.stop(),
  });
  const clusterLog = log.child({ component: 'cluster' });
  const notifyHost = (host: string, state: 'up' | 'lost'): void => {
    const notification = clusterHostNotification(host, state);
    agentx.current?.notify(notification);
    embedded.notify(notification);
  };
  const cluster = new OptionalPart({
    settings: clusterSettings,
    uses: [etcd],
    start: (c: Config) => ClusterMember.start(c, etcd.current, registry, time, clusterLog, notifyHost),
    stop: (member) => member.close(),
  });
  const parts = [agentx, docker, dockerChecks, etcd, etcdSink, cluster];
  const embedded = new EmbeddedAgent(view, registry, time, log.child({ component: 'snmp' }));
  const collector = buildCollector({
    registry,
    admission: config,
    logger: log,
    time,
    readListeners: config.httpListen,
    containers: () => {
      const follower = docker.current;
      return follower === null ? null : { match: (hostname, address) => follower.match(hostname, address), verifySource: config.verifySource };
    },
  });
  let lifecycle: ServeLifecycle | null = null;
  const reads = buildReadApi({
    status: () => (lifecycle === null ? 'starting' : lifecycle.state.status === 'stopping' || lifecycle.state.status === 'stopped' ? 'stopping' : 'ok'),
    cluster: () => cluster.current?.view ?? null,
    registry,
    access: config,
    logger: log,
    time,
    metrics: { reports: collector.reports, agentx: () => agentx.current?.health().status.state ?? 'off' },
    health: {
      process: () => ({ pid: process.pid }),
      agentx: () => agentx.current?.health() ?? { status: { state: 'off' } },
      docker: () => ({ ...(docker.current?.health() ?? { state: 'off' }), verifySource: config.verifySource, checks: dockerChecks.current?.health() ?? 'off' }),
      etcd: () => etcdSink.current?.health() ?? { state: 'off' },
      snmp: () => embedded.health(config),
      cluster: () => cluster.current?.health() ?? { state: 'off' },
    },
  });
  let servers: Server[] | undefined;
  try {
    const { maxConnections } = config;
    servers = await listenAll(collector.app, config.listen, { maxConnections, screen: collector.screen }, (i) => declaredAt(config, 'listen', i));
    servers.push(...(await listenAll(reads.app, config.httpListen, { maxConnections, screen: reads.screen }, (i) => declaredAt(config, 'http-listen', i))));
    await embedded.start(config);
    dropPrivileges(config.user, config.group);
    await stateFile?.probe();
  } catch (error) {
    const message = (error as Error).message;
    log.fatal(message);
    readiness.fatal(message);
    await closeAll(servers ?? []);
    embedded.close();
    reads.close();
    await collector.app.close();
    await reads.app.close();
    return 1;
  }
  await applyInOrder(parts, config);
  const sweeper = new Sweeper(registry, time);
  sweeper.start();
  stateFile?.start();
  logEndpoints(log, config);
  readiness.ready();

  const serving = new ServeLifecycle(log, {
    reload: () =>
      reload({
        file: options.configFile,
        preprocessor: options.preprocessor,
        signal: signals.stopping,
        log,
        started: first,
        apply: async (next) => {
          config = next;
          // The registry removes the rows of a source turned off: the sources follow at once,
          // before anything that waits, so that none feeds a row meanwhile.
          registry.reconfigure(next);
          await docker.apply(next);
          await dockerChecks.apply(next);
          collector.reconfigure(next);
          reads.reconfigure(next);
          log.level = logLevel(options, next);
          // The rest in order; the Docker sources above are unchanged by now.
          await applyInOrder(parts, next);
        },
      }),
    stop: async () => {
      await etcdSink.stop();
      await dockerChecks.stop();
      reads.close();
      await closeAll(servers);
      await collector.app.close();
      await reads.app.close();
      await agentx.stop();
      await docker.stop();
      await cluster.stop();
      await etcd.stop();
      embedded.close();
      sweeper.stop();
      const saved = (await stateFile?.stop()) ?? true;
      return saved ? 0 : 1;
    },
  });
  lifecycle = serving;
  return new Promise((resolve) => signals.attach({ reload: () => serving.reload(), stop: (reason) => void serving.stop(reason).then(resolve) }));
}

/**
 * stevedore's composition root. Reads the configuration (nothing starts on an error), then:
 * without -F starts again in the background and waits for it to serve; without -s runs a
 * supervisor that keeps a worker process serving; with -s serves in this process.
 */
export async function runDaemon(options: StevedoreOptions, signals: SignalInbox, argv: readonly string[] = process.argv.slice(1)): Promise<number> {
  const role = processRole(options);
  // A worker whose supervisor died (even by SIGKILL) stops rather than hold the port alone.
  if (role.kind === 'worker') process.on('disconnect', () => signals.stop('supervisor gone'));
  let loaded: LoadResult;
  try {
    loaded = await loadConfig(options.configFile, { preprocessor: options.preprocessor, signal: signals.stopping });
  } catch (error) {
    if (!(error instanceof StopRequested)) throw error;
    process.stderr.write(`stevedore: ${error.reason} while reading ${options.configFile}: stopped before serving\n`);
    return 0;
  }
  if (!loaded.ok) {
    process.stderr.write(formatErrors(loaded.errors));
    return 1;
  }
  const config = loaded.config;
  const readiness = readinessFromEnvironment();
  // Said on the terminal once, by the process that has it: logger(1) would lose the lines silently.
  const onTerminal = role.kind === 'launcher' || (role.kind !== 'worker' && !role.detached);
  const syslogProblem = config.syslog && onTerminal ? await syslogWarning() : null;
  if (syslogProblem) process.stderr.write(syslogProblem);
  if (role.kind === 'launcher') {
    // Interrupted while waiting for the background stevedore: stop waiting (it goes on).
    signals.attach({ reload: () => {}, stop: () => process.exit(1) });
    if (!config.syslog) process.stderr.write("stevedore: running in the background without 'syslog yes;': its log goes nowhere (use -F to keep it attached)\n");
    return detach(argv, (text) => void process.stderr.write(text));
  }
  const log = createLogger(logTarget(options, config, role.detached));
  if (role.kind === 'worker') return serve(options, config, log, readiness, signals);
  return withPidfile(config, log, readiness, () => (role.kind === 'single' ? serve(options, config, log, readiness, signals) : supervise(argv, log, readiness, signals)));
}

/** Runs `run` with the pidfile written (refusing to start when another stevedore has it), then removes it. */
async function withPidfile(config: Config, log: Logger, readiness: Readiness, run: () => Promise<number>): Promise<number> {
  let removePidfile = (): string | null => null;
  if (config.pidfile !== null) {
    try {
      removePidfile = writePidfile(config.pidfile);
    } catch (error) {
      log.fatal((error as Error).message);
      readiness.fatal((error as Error).message);
      return 1;
    }
  }
  try {
    return await run();
  } finally {
    const left = removePidfile();
    if (left) log.warn({ pidfile: config.pidfile }, `pidfile ${config.pidfile} left behind: ${left} (with 'user' and -s, keep it in a directory that user can write)`);
  }
}
