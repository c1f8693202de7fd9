import type { Report } from '../../common/report.js';
import { isServiceName, SERVICE_NAME_RULE } from '../../common/service-name.js';
import type { Time } from '../../common/time.js';
import type { CheckResult } from '../../checker/check-runner.js';
import { shortId, type CheckTarget } from '../../checker/check-target.js';
import { Listener } from '../../checker/listener.js';
import type { EventLog } from '../../checker/log.js';
import { EngineApi } from '../../docker/engine-api.js';
import type { Config } from '../config/config.js';
import { containerFromInspect, toRef } from '../integrations/docker/container-info.js';
import type { RegistryWriter } from '../registry/ports.js';

export interface DockerChecksOptions {
  engine: EngineApi;
  registry: RegistryWriter;
  time: Time;
  log: EventLog;
}

/** A check's result as the registry takes it: instance SERVICE = IMAGENAME, hostname = the 12-character id, as tallyman's default. */
export function checkReport(target: CheckTarget, result: CheckResult): Report {
  const base = { service: target.imageName, hostname: shortId(target.id) };
  if (result.status === 'timed-out') return { ...base, exitCode: 124, timedOut: true, stdout: `the check timed out after ${result.timeoutMs / 1000} s` };
  return { ...base, exitCode: result.exitCode, timedOut: false, stdout: result.output };
}

/**
 * The docker-checks source: checker's listener inside stevedore. Every running container whose
 * image declares HEALTHCHECK is checked from outside (checker's monitor, with no etcd key of its
 * own) and each result goes to the registry as a report of origin 'checker', from the
 * container's address, with its container. What Docker says of containers that stop or go
 * (stale, removed) is the Docker follower's, as for every instance with a container. Once
 * stopping, it records no more results (a check under way included): a reload that turns it off
 * removes its rows, and none may come back.
 */
export class DockerChecks {
  private readonly listener: Listener;
  /** Services already refused, so that each is said once, not at every check. */
  private readonly refused = new Set<string>();
  private stopping = false;

  constructor(private readonly options: DockerChecksOptions) {
    this.listener = new Listener({
      engine: options.engine,
      etcd: null,
      time: options.time,
      log: options.log,
      hostIp: '',
      prefix: '',
      onResult: (target, result) => this.record(target, result),
    });
  }

  start(): void {
    this.listener.start();
  }

  stop(): Promise<void> {
    this.stopping = true;
    return this.listener.stop();
  }

  health(): { containers: number } {
    return { containers: this.listener.monitored.size };
  }

  private record(target: CheckTarget, result: CheckResult): void {
    if (this.stopping) return;
    const report = checkReport(target, result);
    const { registry } = this.options;
    if (!isServiceName(report.service)) return this.refuse(report.service, `image name '${report.service}' is no service name (${SERVICE_NAME_RULE}): its containers are not recorded`);
    // Undeclared: created with the defaults, unless `auto-services no` (then accept refuses it, said once).
    registry.ensureService(report.service, 'checker');
    const container = toRef(containerFromInspect(target.inspect));
    const outcome = registry.accept(report, { origin: 'checker', address: target.ip, container });
    if (outcome.accepted) this.refused.delete(report.service);
    else this.refuse(report.service, `container ${shortId(target.id)}: ${outcome.message}`);
  }

  private refuse(service: string, message: string): void {
    if (this.refused.has(service)) return;
    this.refused.add(service);
    this.options.log.warn(message);
  }
}

/** docker-checks for a configuration with `docker-checks yes` and docker-socket (null otherwise), started. */
export function startDockerChecks(config: Pick<Config, 'dockerChecks' | 'dockerSocket'>, registry: RegistryWriter, log: EventLog, time: Time): DockerChecks | null {
  if (!config.dockerChecks || config.dockerSocket === null) return null;
  const checks = new DockerChecks({ engine: new EngineApi(config.dockerSocket), registry, time, log });
  checks.start();
  return checks;
}
