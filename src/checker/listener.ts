import { ContainerEvents, type EventsStatus, type RetryDelay } from '../docker/container-events.js';
import type { ContainerEvent } from '../docker/engine-types.js';
import { CHECK_OF_LABEL, containerLabel, readCheckTarget, shortId } from './check-target.js';
import { readHealthcheckEnv } from './healthcheck-env.js';
import { Monitor, type MonitorDeps } from './monitor.js';

/**
 * Runs a Monitor for every running container whose environment declares HEALTHCHECK, until it
 * stops or is removed. Subscribes to Docker's events first and lists the running containers
 * once the stream is open (again at every reconnection), so nothing that starts in between is
 * missed and what happened while dockerd was away is reconciled.
 */
export class Listener {
  private readonly monitors = new Map<string, Monitor>();
  /** Containers looked at and found without HEALTHCHECK (or being looked at): not looked at again until they start again. */
  private readonly ignored = new Set<string>();
  private readonly events: ContainerEvents;
  private stopping = false;

  constructor(
    private readonly deps: MonitorDeps,
    retry?: RetryDelay,
  ) {
    this.events = new ContainerEvents(
      deps.engine,
      { event: ['start', 'die', 'destroy'] },
      { onOpen: () => void this.reconcile(), onEvent: (event) => this.onEvent(event), onStatus: (status, detail) => this.onStatus(status, detail) },
      deps.time,
      retry,
    );
  }

  /** The containers being monitored, by full id (for a caller that shows them, as stevedore's health would). */
  get monitored(): ReadonlyMap<string, Monitor> {
    return this.monitors;
  }

  start(): void {
    this.events.start();
  }

  /** Ends every monitor (their keys deleted at once) and stops following Docker. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.events.close();
    await Promise.all([...this.monitors.values()].map((m) => m.shutdown()));
  }

  private onStatus(status: EventsStatus, detail: string): void {
    if (status === 'following') this.deps.log.info(`following Docker's events at ${detail}`);
    else if (status === 'reconnecting') this.deps.log.warn(`lost Docker's event stream (${detail}): reconnecting`);
  }

  private onEvent(event: ContainerEvent): void {
    const id = event.Actor?.ID ?? event.id;
    // checker's own check containers carry a label, which Docker repeats in the event.
    if (id === undefined || this.stopping || event.Actor?.Attributes?.[CHECK_OF_LABEL] !== undefined) return;
    const monitor = this.live(id);
    switch (event.Action) {
      case 'start':
        this.ignored.delete(id);
        if (monitor) monitor.containerStarted();
        else void this.consider(id);
        break;
      case 'die':
        monitor?.containerStopped();
        break;
      case 'destroy':
        this.ignored.delete(id);
        monitor?.containerRemoved();
        break;
    }
  }

  /**
   * The container's monitor unless it has ended: an ended one may still be deleting its key
   * (etcd away) while the container starts again, and then a new monitor takes over.
   */
  private live(id: string): Monitor | undefined {
    const monitor = this.monitors.get(id);
    return monitor?.status === 'ended' ? undefined : monitor;
  }

  private async reconcile(): Promise<void> {
    let running: Set<string>;
    try {
      running = new Set((await this.deps.engine.listContainers()).map((c) => c.Id));
    } catch (error) {
      this.deps.log.warn(`cannot list the containers: ${(error as Error).message}`);
      return;
    }
    for (const [id, monitor] of this.monitors) if (!running.has(id)) monitor.containerStopped();
    for (const id of running) if (this.live(id) === undefined) await this.consider(id);
  }

  /** Starts a monitor for the container if it runs and declares HEALTHCHECK. */
  private async consider(id: string): Promise<void> {
    if (this.live(id) !== undefined || this.ignored.has(id) || this.stopping) return;
    this.ignored.add(id);
    let target;
    try {
      target = await readCheckTarget(this.deps.engine, id);
    } catch (error) {
      this.ignored.delete(id);
      this.deps.log.warn(`cannot inspect container ${shortId(id)}: ${(error as Error).message}`);
      return;
    }
    if (target === null || target.isCheck || !target.running || this.stopping || this.live(id) !== undefined) return;
    if (readHealthcheckEnv(target.env).command === null) {
      this.deps.log.debug(`${containerLabel(target)}: no HEALTHCHECK in its environment: ignored`);
      return;
    }
    this.ignored.delete(id);
    const monitor = new Monitor(this.deps, id, true);
    this.monitors.set(id, monitor);
    void monitor.done.then(() => {
      if (this.monitors.get(id) === monitor) this.monitors.delete(id);
    });
    monitor.start();
  }
}
