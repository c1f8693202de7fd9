import type { EarlySignals } from '../common/early-signals.js';
import { systemTime, type Time } from '../common/time.js';
import { ContainerEvents } from '../docker/container-events.js';
import { EngineApi } from '../docker/engine-api.js';
import { EtcdClient } from '../etcd/client.js';
import { formatHostPort } from '../common/host-port.js';
import { containerLabel, readCheckTarget } from './check-target.js';
import { checkCommand } from './check-command.js';
import { readHealthcheckEnv } from './healthcheck-env.js';
import { defaultRouteAddress } from './host-address.js';
import { Listener } from './listener.js';
import { CheckerLog } from './log.js';
import { Monitor, type MonitorDeps } from './monitor.js';
import { nagiosLine, NAGIOS_EXIT } from './nagios.js';
import { parseOptions, USAGE, UsageError, type Options } from './options.js';

/** EX_USAGE (sysexits.h) for monitor and listener; check answers bad usage as Nagios UNKNOWN. */
const EXIT_USAGE = 64;
const EXIT_FAILURE = 1;

/** SIGTERM and SIGINT, taken from checker's first line (bin/checker.ts). */
export type StopSignals = Pick<EarlySignals<'SIGTERM' | 'SIGINT'>, 'attach' | 'release'>;

/** checker's command line: resolves the exit status. Only monitor and listener handle `signals`. */
export async function main(argv: readonly string[], signals: StopSignals, time: Time = systemTime): Promise<number> {
  let options: Options;
  try {
    const parsed = parseOptions(argv);
    if (parsed.help) {
      signals.release();
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    options = parsed.options;
  } catch (error) {
    signals.release();
    if (!(error instanceof UsageError)) throw error;
    if (argv.find((a) => !a.startsWith('-')) === 'check') {
      process.stdout.write(`${nagiosLine({ state: 'UNKNOWN', text: `bad usage: ${error.message}` })}\n`);
      return NAGIOS_EXIT.UNKNOWN;
    }
    process.stderr.write(`checker: ${error.message}\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  if (options.command !== 'check') return serve(options, signals, time);
  signals.release();
  return check(options, time);
}

/** The Nagios line first; log lines (at -loglevel) after it, as the plugin's long output. */
async function check(options: Options, time: Time): Promise<number> {
  const lines: string[] = [];
  const log = new CheckerLog({ level: options.logLevel, stdout: options.stdout ? (line) => lines.push(line) : null, syslog: options.syslog ? { tag: 'checker' } : null });
  const result = await checkCommand(new EngineApi(options.dockerSocket), options.container as string, time, log);
  process.stdout.write([nagiosLine(result), ...lines].map((l) => `${l}\n`).join(''));
  await log.close();
  return NAGIOS_EXIT[result.state];
}

/**
 * monitor and listener: run until the container is removed (monitor) or SIGTERM/SIGINT. One
 * that comes before they run (from checker's first line on) ends them with status 0 too.
 */
async function serve(options: Options, signals: StopSignals, time: Time): Promise<number> {
  // The first stop is orderly; a second one, while it goes on, has the default action again.
  const stopRequested = new Promise<NodeJS.Signals>((resolve) =>
    signals.attach((signal) => {
      signals.release();
      resolve(signal);
    }),
  );
  const log = new CheckerLog({
    level: options.logLevel,
    stdout: options.stdout ? (line) => process.stdout.write(`${new Date(time.wall()).toISOString()} ${line}\n`) : null,
    syslog: options.syslog ? { tag: `checker-${options.command}` } : null,
  });
  const hostIp = options.hostIp ?? defaultRouteAddress();
  if (hostIp === null) log.warn('no default route: ports published on 0.0.0.0 are published with IP "" (give -host-ip=ADDRESS)');
  const endpoints = options.etcdHosts.map(formatHostPort).join(',');
  const etcd = new EtcdClient(options.etcdHosts, (status, detail) => {
    if (status === 'unreachable') log.error(`etcd is unreachable (${detail}): checks go on, keys are written again when it is back`);
    else if (status === 'reachable') log.notice(`etcd at ${detail} is reachable`);
  });
  const engine = new EngineApi(options.dockerSocket);
  const deps: MonitorDeps = { engine, etcd, time, log, hostIp: hostIp ?? '', prefix: options.prefix };
  log.info(`checker ${options.command} starting: docker ${options.dockerSocket}, etcd ${endpoints}, prefix ${options.prefix}, host IP ${hostIp ?? '(none)'}`);

  let stop: () => Promise<unknown>;
  let ended: Promise<number>;
  if (options.command === 'listener') {
    const listener = new Listener(deps);
    listener.start();
    stop = () => listener.stop();
    ended = new Promise<number>(() => {});
  } else {
    const started = await Promise.race([startMonitor(options.container as string, deps), stopRequested.then((signal) => ({ stoppedBy: signal }))]);
    if (typeof started !== 'string' && 'stoppedBy' in started) {
      log.info(`${started.stoppedBy} while starting: no key written, exiting`);
      etcd.close();
      await log.close();
      return 0;
    }
    if (typeof started === 'string') {
      log.error(started);
      if (!options.stdout) process.stderr.write(`checker: ${started}\n`);
      etcd.close();
      await log.close();
      return EXIT_FAILURE;
    }
    stop = () => started.monitor.shutdown();
    ended = started.monitor.done.then(() => {
      started.events.close();
      return 0;
    });
  }
  const signalled = stopRequested.then(async (signal) => {
    log.info(`${signal}: deleting the keys held, then exiting`);
    await stop();
    return 0;
  });
  const code = await Promise.race([ended, signalled]);
  etcd.close();
  await log.close();
  return code;
}

/** A monitor of one container, fed by Docker's events for it; or why it cannot start. */
async function startMonitor(container: string, deps: MonitorDeps): Promise<{ monitor: Monitor; events: ContainerEvents } | string> {
  let target;
  try {
    target = await readCheckTarget(deps.engine, container);
  } catch (error) {
    return `Docker: ${(error as Error).message}`;
  }
  if (target === null) return `no such container '${container}': give a container's name or id (docker ps)`;
  if (readHealthcheckEnv(target.env).command === null) {
    return `${containerLabel(target)} has no HEALTHCHECK in its environment: declare ENV HEALTHCHECK=COMMAND in its image`;
  }
  const monitor = new Monitor(deps, target.id, false);
  let reconnected = false;
  const events = new ContainerEvents(
    deps.engine,
    { container: [target.id], event: ['start', 'die', 'destroy'] },
    {
      // After a reconnection, check at once: the container may have changed while dockerd was away.
      onOpen: () => {
        if (reconnected) monitor.containerStarted();
        reconnected = true;
      },
      onEvent: (event) => {
        if (event.Action === 'start') monitor.containerStarted();
        else if (event.Action === 'die') monitor.containerStopped();
        else if (event.Action === 'destroy') monitor.containerRemoved();
      },
    },
    deps.time,
  );
  events.start();
  monitor.start();
  return { monitor, events };
}
