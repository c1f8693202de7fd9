import type { Server } from 'node:http';
import { systemClock } from '../common/clock.js';
import { formatHostPort } from '../common/host-port.js';
import { VERSION } from '../common/version.js';
import { buildCollector } from './collector/app.js';
import { closeAll, listenAll } from './collector/listeners.js';
import type { Config } from './config/config.js';
import { formatErrors } from './config/errors.js';
import { loadConfig } from './config/load.js';
import { createLogger, type Logger } from './logging/logger.js';
import type { StevedoreOptions } from './options.js';
import { StateFile } from './persistence/state-file.js';
import { detach } from './process/detach.js';
import { writePidfile } from './process/pidfile.js';
import { dropPrivileges } from './process/privileges.js';
import { readinessFromEnvironment, type Readiness } from './process/readiness.js';
import type { SignalInbox, StopReason } from './process/signal-inbox.js';
import { supervise } from './process/supervisor.js';
import { Registry } from './registry/registry.js';
import { EngineApi } from './integrations/docker/engine-api.js';
import { DockerFollower } from './integrations/docker/follower.js';
import { AgentxService } from './snmp/agentx-service.js';
import { EmbeddedAgent } from './snmp/embedded-agent.js';
import { tallymanView } from './snmp/tallyman-view.js';
import { logStateChange } from './state-log.js';

/** How often stale and expiry deadlines are applied when nothing reads the registry. */
const SWEEP_INTERVAL_MS = 1000;

function logLevel(options: StevedoreOptions, config: Config): Config['logLevel'] {
  return options.debug ? 'debug' : config.logLevel;
}

function logTarget(options: StevedoreOptions, config: Config) {
  const detached = process.env.STEVEDORE_DETACHED === '1';
  return {
    level: logLevel(options, config),
    stdout: !detached,
    syslog: config.syslog ? { tag: config.syslogTag, facility: config.syslogFacility } : null,
  };
}

/** Settings a reload cannot change in a running process (sockets bound, privileges dropped). */
function restartOnly(before: Config, after: Config): string[] {
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  const names: [string, unknown, unknown][] = [
    ['listen', before.listen, after.listen],
    ['max-connections', before.maxConnections, after.maxConnections],
    ['state-file', before.stateFile, after.stateFile],
    ['pidfile', before.pidfile, after.pidfile],
    ['user', before.user, after.user],
    ['group', before.group, after.group],
    ['syslog', [before.syslog, before.syslogFacility, before.syslogTag], [after.syslog, after.syslogFacility, after.syslogTag]],
    ['snmp-listen', before.snmpListen, after.snmpListen],
    ['snmp-community', before.snmpCommunity, after.snmpCommunity],
  ];
  return names.filter(([, a, b]) => !same(a, b)).map(([name]) => name);
}

/**
 * The running collector: registry, state file, HTTP listeners, signals. Resolves with the exit
 * status once SIGTERM or SIGINT has stopped it (state written).
 */
async function serve(options: StevedoreOptions, first: Config, log: Logger, readiness: Readiness, signals: SignalInbox): Promise<number> {
  let config = first;
  const clock = systemClock;
  const registry = new Registry(config, clock);
  registry.onChange((change) => logStateChange(log, change));
  const stateFile = config.stateFile === null ? null : new StateFile(config.stateFile, registry, clock, log);
  await stateFile?.load();

  const view = tallymanView(registry, clock);
  const startAgentx = (c: Config): AgentxService | null => {
    if (c.agentxSocket === null) return null;
    const service = new AgentxService(c.agentxSocket, c.agentxPingIntervalMs, view, registry, log.child({ component: 'agentx' }));
    service.start();
    return service;
  };
  let agentx: AgentxService | null = null;
  const startDocker = (c: Config): DockerFollower | null => {
    if (c.dockerSocket === null) return null;
    const follower = new DockerFollower(new EngineApi(c.dockerSocket), registry, log.child({ component: 'docker' }));
    follower.start();
    return follower;
  };
  let docker: DockerFollower | null = null;
  const embedded = new EmbeddedAgent(registry, clock, log);
  const collector = buildCollector({
    registry,
    admission: config,
    logger: log,
    clock,
    health: {
      process: () => ({ pid: process.pid }),
      agentx: () => agentx?.health() ?? { status: { state: 'off' } },
      docker: () => ({ ...(docker?.health() ?? { state: 'off' }), verifySource: config.verifySource }),
      snmp: () => ({ listen: config.snmpListen === null ? null : formatHostPort(config.snmpListen) }),
    },
    containers: () => (docker === null ? null : { match: (hostname, address) => docker!.match(hostname, address), verifySource: config.verifySource }),
  });
  let servers: Server[] | undefined;
  try {
    servers = await listenAll(collector.app, config.listen, config);
    if (config.snmpListen !== null) await embedded.start(config.snmpListen, config.snmpCommunity);
    dropPrivileges(config.user, config.group);
    await stateFile?.probe();
  } catch (error) {
    const message = (error as Error).message;
    log.fatal(message);
    readiness.fatal(message);
    await closeAll(servers ?? []);
    embedded.close();
    await collector.app.close();
    return 1;
  }
  agentx = startAgentx(config);
  docker = startDocker(config);
  const sweeper = setInterval(() => registry.sweep(), SWEEP_INTERVAL_MS);
  stateFile?.start();
  log.info(
    { version: VERSION, listen: config.listen.map(formatHostPort), services: config.services.length, files: config.files },
    `stevedore ${VERSION} collecting on ${config.listen.map(formatHostPort).join(', ')} for ${config.services.length} services`,
  );
  readiness.ready();

  return new Promise((resolve) => {
    let stopping = false;
    // Reloads run one at a time, in order; SIGHUPs that come while one waits add nothing.
    let reloads = Promise.resolve();
    let reloadWaiting = false;
    const reload = async (): Promise<void> => {
      const loaded = await loadConfig(options.configFile, { preprocessor: options.preprocessor });
      if (stopping) return;
      if (!loaded.ok) {
        log.error({ file: options.configFile, errors: loaded.errors.length }, `configuration reload refused (${loaded.errors.length} errors); still running on the previous configuration`);
        for (const line of formatErrors(loaded.errors).trimEnd().split('\n')) log.error(line);
        return;
      }
      const next = loaded.config;
      const fixed = restartOnly(config, next);
      const previous = config;
      config = next;
      registry.reconfigure(next);
      collector.reconfigure(next);
      log.level = logLevel(options, next);
      if (JSON.stringify([previous.agentxSocket, previous.agentxPingIntervalMs]) !== JSON.stringify([next.agentxSocket, next.agentxPingIntervalMs])) {
        await agentx?.close();
        agentx = stopping ? null : startAgentx(next);
      }
      if (previous.dockerSocket !== next.dockerSocket) {
        docker?.close();
        docker = stopping ? null : startDocker(next);
      }
      log.info({ services: next.services.length }, `configuration reloaded: ${next.services.length} services`);
      if (fixed.length > 0) log.warn({ settings: fixed }, `changes to ${fixed.join(', ')} take effect at the next restart`);
    };
    const requestReload = (): void => {
      if (stopping || reloadWaiting) return;
      reloadWaiting = true;
      reloads = reloads.then(() => {
        reloadWaiting = false;
        return stopping ? undefined : reload();
      });
    };
    const stop = async (reason: StopReason): Promise<void> => {
      if (stopping) return;
      stopping = true;
      log.info({ reason }, `${reason}: stopping`);
      await reloads;
      await closeAll(servers);
      await collector.app.close();
      await agentx?.close();
      docker?.close();
      embedded.close();
      clearInterval(sweeper);
      const saved = (await stateFile?.stop()) ?? true;
      log.info('stopped');
      resolve(saved ? 0 : 1);
    };
    signals.attach({ reload: requestReload, stop: (reason) => void stop(reason) });
  });
}

/**
 * stevedore's composition root. Reads the configuration (nothing starts on an error), then:
 * without -F starts again in the background and waits for it to serve; without -s runs a
 * supervisor that keeps a worker process serving; with -s serves in this process.
 */
export async function runDaemon(options: StevedoreOptions, signals: SignalInbox, argv: readonly string[] = process.argv.slice(1)): Promise<number> {
  const detaching = !options.foreground && process.env.STEVEDORE_DETACHED !== '1' && process.env.STEVEDORE_ROLE !== 'worker';
  // A worker whose supervisor died (even by SIGKILL) stops rather than hold the port alone.
  if (process.env.STEVEDORE_ROLE === 'worker') process.on('disconnect', () => signals.stop('supervisor gone'));
  const loaded = await loadConfig(options.configFile, { preprocessor: options.preprocessor });
  if (!loaded.ok) {
    process.stderr.write(formatErrors(loaded.errors));
    return 1;
  }
  const config = loaded.config;
  const readiness = readinessFromEnvironment();

  if (process.env.STEVEDORE_ROLE === 'worker') {
    return serve(options, config, createLogger(logTarget(options, config)), readiness, signals);
  }
  if (detaching) {
    // Interrupted while waiting for the background stevedore: stop waiting (it goes on).
    signals.attach({ reload: () => {}, stop: () => process.exit(1) });
    if (!config.syslog) process.stderr.write("stevedore: running in the background without 'syslog yes;': its log goes nowhere (use -F to keep it attached)\n");
    return detach(argv, (text) => void process.stderr.write(text));
  }

  const log = createLogger(logTarget(options, config));
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
    return options.single ? await serve(options, config, log, readiness, signals) : await supervise(argv, log, readiness, signals);
  } finally {
    const left = removePidfile();
    if (left) log.warn({ pidfile: config.pidfile }, `pidfile ${config.pidfile} left behind: ${left} (with 'user' and -s, keep it in a directory that user can write)`);
  }
}
