import type { Time } from '../../../common/time.js';
import type { Logger } from '../../logging/logger.js';
import type { RegistryEvents, RegistryReader, RegistryWriter } from '../../registry/ports.js';
import type { ContainerRef, InstanceView } from '../../registry/records.js';
import { hasHealthCheck, latestProbe, runsTallyman, type HealthInspect } from './probe-result.js';
import { serviceOfContainer } from './service-name.js';

/**
 * Waits before each inspection again after a probe ended (exec_die comes a moment before Docker
 * records the result): 0.1 s doubling, four times, about 1.5 s in all. Then the exec was not a
 * probe (a `docker exec` session) or its result is not there: nothing is fed.
 */
export const defaultProbeRetry: readonly number[] = [100, 200, 400, 800];

/** What the source remembers of a container with a health check. */
interface Followed {
  /** The End of the last probe fed; -Infinity before the first. */
  fedEnd: number;
  /** While a probe's result is being waited for; `again` when another probe ended meanwhile. */
  waiting: { again: boolean } | null;
}

type RegistryPorts = RegistryWriter & RegistryReader & RegistryEvents;

/**
 * docker-health: every container with a Docker HEALTHCHECK is an instance, named by its
 * 12-character id, fed by the latest probe Docker recorded. The Docker follower hands it every
 * inspection (start, reconcile) and every probe's end (exec_die, health_status); nothing here
 * polls. A container that also reports with tallyman (its HEALTHCHECK runs tallyman, or an
 * instance of origin 'report' has that container) is left to tallyman's reports: one row per
 * container (the registry removes a row fed here when tallyman's first report for its
 * container arrives under another name). Closed, it feeds nothing more, even from an
 * inspection under way: a reload that turns it off removes its rows, and none may come back.
 */
export class DockerHealthSource {
  private readonly followed = new Map<string, Followed>();
  /** Containers that tallyman reports for (origin 'report'), by full id. */
  private readonly reporting = new Set<string>();
  /** Containers whose service name was refused, warned about once. */
  private readonly refused = new Set<string>();
  private readonly unsubscribe: () => void;
  private closed = false;

  constructor(
    private readonly registry: RegistryPorts,
    private readonly log: Logger,
    private readonly time: Time,
    private readonly retry: readonly number[] = defaultProbeRetry,
  ) {
    // Those restored from the state file, or heard by the source this one replaces at a reload.
    for (const service of registry.services()) for (const instance of service.instances.values()) this.heard(instance);
    this.unsubscribe = registry.subscribe((event) => {
      if (event.kind === 'reported') this.heard(registry.service(event.service)?.instances.get(event.hostname));
    });
  }

  close(): void {
    this.closed = true;
    this.unsubscribe();
  }

  private heard(instance: InstanceView | undefined): void {
    if (instance?.origin === 'report' && instance.container) this.reporting.add(instance.container.id);
  }

  health(): { enabled: true; containers: number } {
    return { enabled: true, containers: this.followed.size };
  }

  /**
   * An inspection of a container (the follower's): fed when it has a health check, runs, and
   * shows a probe newer than the last fed. Returns whether it fed one.
   */
  inspected(inspect: HealthInspect, container: ContainerRef): boolean {
    if (this.closed) return false;
    // A container whose check is tallyman reports itself: one row per container, tallyman's.
    if (!hasHealthCheck(inspect) || runsTallyman(inspect)) {
      this.followed.delete(container.id);
      return false;
    }
    const followed = this.followed.get(container.id) ?? { fedEnd: -Infinity, waiting: null };
    this.followed.set(container.id, followed);
    // A stopped container's log is history, and a paused one probes no more: either goes stale.
    if (inspect.State?.Running !== true || inspect.State.Paused === true) return false;
    const probe = latestProbe(inspect);
    if (!probe || probe.endedAt <= followed.fedEnd) return false;
    followed.fedEnd = probe.endedAt;
    if (this.reporting.has(container.id)) return false;
    const naming = serviceOfContainer(inspect.Config?.Labels ?? {}, inspect.Config?.Image ?? container.image);
    if (!naming.ok) {
      if (!this.refused.has(container.id)) this.log.warn({ containerId: container.id }, `docker-health: container ${container.name || container.id.slice(0, 12)}: ${naming.message}`);
      this.refused.add(container.id);
      return false;
    }
    if (!this.registry.ensureService(naming.name, 'docker-health')) return false;
    const hostname = container.id.slice(0, 12);
    const outcome = this.registry.accept(
      { service: naming.name, hostname, ...probe.values },
      { origin: 'docker-health', address: container.ipAddresses[0] ?? '', container, verdict: probe.verdict },
    );
    if (!outcome.accepted && !this.refused.has(container.id)) {
      this.refused.add(container.id);
      this.log.warn({ containerId: container.id, service: naming.name }, `docker-health: container ${container.name || hostname}: ${outcome.message}`);
    }
    return outcome.accepted;
  }

  /**
   * A probe may have ended in the container (exec_die, health_status): inspect it, again after
   * each of the retry delays until a newer probe shows. `inspect` is the follower's, which hands
   * the answer to inspected(). A container not known to have a health check is left alone.
   */
  async probed(id: string, inspect: () => Promise<unknown>): Promise<void> {
    const followed = this.followed.get(id);
    if (!followed || this.reporting.has(id)) return;
    if (followed.waiting) {
      followed.waiting.again = true;
      return;
    }
    const waiting = { again: true };
    followed.waiting = waiting;
    try {
      while (waiting.again) {
        waiting.again = false;
        const before = followed.fedEnd;
        for (let attempt = 0; attempt <= this.retry.length; attempt++) {
          if (attempt > 0) await this.sleep(this.retry[attempt - 1] ?? 0);
          if (this.closed || this.followed.get(id) !== followed) return;
          await inspect();
          if (followed.fedEnd > before) break;
        }
      }
    } finally {
      followed.waiting = null;
    }
  }

  /** The container is gone (destroy). */
  forget(id: string): void {
    this.followed.delete(id);
    this.reporting.delete(id);
    this.refused.delete(id);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.time.setTimeout(resolve, ms));
  }
}
