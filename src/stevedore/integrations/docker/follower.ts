import type { Time, TimerHandle } from '../../../common/time.js';
import type { Logger } from '../../logging/logger.js';
import type { ContainerMatch } from '../../collector/container-check.js';
import type { RegistryWriter } from '../../registry/ports.js';
import { containerFromInspect, namesContainer, toRef, type ContainerInfo } from './container-info.js';
import { defaultEventsRetry, type RetryDelay } from '../../../docker/container-events.js';
import { EngineApi } from '../../../docker/engine-api.js';
import { fromContainer } from './source-match.js';
import type { DockerHealthSource } from '../../sources/docker-health/source.js';
import type { HealthInspect } from '../../sources/docker-health/probe-result.js';

export type FollowerState = 'connecting' | 'following' | 'reconnecting' | 'closed';

const REFRESH_INTERVAL_MS = 1000;
/** A known container is inspected again for a report from an address it did not have at most this often. */
const ADDRESS_RECHECK_MS = 5000;
/** How long a destroyed container's id is remembered, to drop inspections that answer late. */
const DESTROYED_MEMORY_MS = 60_000;
/** What a container name or id can be (docker's own rule): nothing else goes into an API path. */
const CONTAINER_REF = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** How long dockerd has to accept the event stream's request and answer it before it is said not to answer. */
export const ANSWER_BOUND_MS = 5000;
const NO_ANSWER = `no answer within ${ANSWER_BOUND_MS / 1000} s`;
/** What a connect error code means, in the log line said before dockerd was ever reached. */
const CONNECT_ERRORS: Record<string, string> = { ENOENT: 'no such socket', ECONNREFUSED: 'nothing listens there', EACCES: 'permission denied' };

const EVENTS = ['start', 'die', 'destroy'];
/** The end of every health probe (exec_die) and every change of health status, for docker-health. */
const HEALTH_EVENTS = ['exec_die', 'health_status'];

/**
 * Follows the Docker engine: the event stream (start, die, destroy) over the socket, with a
 * reconcile against the list of containers at every (re)connect, and reconnects with backoff
 * when dockerd goes away. Keeps an index of containers to enrich instances and check sources.
 * With docker-health, the same stream brings every probe's end, and every inspection is handed
 * to the docker-health source too.
 */
export class DockerFollower {
  private state: FollowerState = 'connecting';
  private readonly containers = new Map<string, ContainerInfo>();
  private stream: { close(): void } | undefined;
  private timer: TimerHandle | null = null;
  /** Bounds the wait for dockerd's first answer on a connection (ANSWER_BOUND_MS). */
  private answerTimer: TimerHandle | null = null;
  /** Whether dockerd was ever followed: before, a failure is "cannot reach", after, "lost". */
  private followed = false;
  private attempt = 0;
  private lastError: string | undefined;
  private lastRefresh = -Infinity;
  /** Bumps at every connection: callbacks of an earlier one are ignored. */
  private epoch = 0;
  /** Bumps at every inspection; a reconcile keeps what was inspected after its list was asked for. */
  private inspections = 0;
  private readonly inspectedAt = new Map<string, number>();
  private readonly recheckedAt = new Map<string, number>();
  private readonly destroyed = new Map<string, number>();

  constructor(
    private readonly api: EngineApi,
    private readonly registry: RegistryWriter,
    private readonly log: Logger,
    private readonly time: Time,
    private readonly retry: RetryDelay = defaultEventsRetry,
    private readonly dockerHealth: DockerHealthSource | null = null,
  ) {}

  start(): void {
    this.connect();
  }

  close(): void {
    this.setState('closed');
    if (this.timer !== null) this.time.clearTimeout(this.timer);
    this.stopAnswerTimer();
    this.stream?.close();
    this.dockerHealth?.close();
  }

  health(): { socket: string; state: FollowerState; containers: number; dockerHealth: { enabled: boolean; containers: number }; lastError?: string } {
    return {
      socket: this.api.socketPath,
      state: this.state,
      containers: this.containers.size,
      dockerHealth: this.dockerHealth?.health() ?? { enabled: false, containers: 0 },
      ...(this.lastError !== undefined && { lastError: this.lastError }),
    };
  }

  /**
   * The container a report names (its hostname), preferring one whose address the report comes
   * from. A container not known yet (it started a moment ago) is looked up by id or name.
   */
  async match(hostname: string, address: string): Promise<ContainerMatch> {
    let named = [...this.containers.values()].filter((c) => namesContainer(hostname, c));
    try {
      if (named.length === 0) {
        const found = CONTAINER_REF.test(hostname) ? await this.inspect(hostname) : null;
        if (found && namesContainer(hostname, found)) named = [found];
        else named = (await this.refreshUnknown()).filter((c) => namesContainer(hostname, c));
      } else if (!named.some((c) => fromContainer(address, c))) {
        // A known container reporting from an address it did not have (docker network connect).
        named = await this.recheck(named);
      }
    } catch {
      return { container: null, sourceMatches: false, named: null, unavailable: true };
    }
    const exact = named.find((c) => fromContainer(address, c));
    if (exact) return { container: toRef(exact), sourceMatches: true, named: exact.name };
    const first = named[0];
    return { container: null, sourceMatches: false, named: first ? first.name : null };
  }

  /** The containers inspected again, those not rechecked within ADDRESS_RECHECK_MS. */
  private async recheck(containers: ContainerInfo[]): Promise<ContainerInfo[]> {
    const now = this.time.monotonic();
    const again: ContainerInfo[] = [];
    for (const c of containers) {
      if (now - (this.recheckedAt.get(c.id) ?? -Infinity) < ADDRESS_RECHECK_MS) {
        again.push(c);
        continue;
      }
      this.recheckedAt.set(c.id, now);
      const fresh = await this.inspect(c.id);
      if (fresh) again.push(fresh);
    }
    return again;
  }

  private setState(to: FollowerState, detail: Record<string, unknown> = {}): void {
    if (this.state === to) return;
    const from = this.state;
    this.state = to;
    const messages: Record<FollowerState, string> = {
      connecting: 'connecting to dockerd',
      following: 'following Docker events',
      reconnecting: 'lost dockerd; reconnecting',
      closed: 'stopped following Docker',
    };
    const line = { socket: this.api.socketPath, from, to, ...detail };
    if (to === 'following') this.followed = true;
    if (to === 'reconnecting') this.log.warn(line, this.followed ? messages[to] : this.unreachable(String(detail.reason)));
    else this.log.info(line, messages[to]);
  }

  /**
   * Said once, at warn, while dockerd was never reached; the attempts after it are quiet (the
   * state stays reconnecting) until it is followed.
   */
  private unreachable(reason: string): string {
    const where = `unix:${this.api.socketPath}`;
    if (reason === NO_ANSWER) return `dockerd at ${where} does not answer within ${ANSWER_BOUND_MS / 1000} s; retrying`;
    const meaning = CONNECT_ERRORS[reason];
    return `cannot reach dockerd at ${where} (${meaning === undefined ? reason : `${reason}: ${meaning}`}); retrying`;
  }

  private stopAnswerTimer(): void {
    if (this.answerTimer !== null) this.time.clearTimeout(this.answerTimer);
    this.answerTimer = null;
  }

  private connect(): void {
    if (this.state === 'closed') return;
    const epoch = ++this.epoch;
    const current = (): boolean => epoch === this.epoch && this.state !== 'closed';
    const events = { type: ['container'], event: this.dockerHealth ? [...EVENTS, ...HEALTH_EVENTS] : EVENTS };
    // A socket that accepts but never answers would leave the follower connecting, silently.
    this.answerTimer = this.time.setTimeout(() => {
      this.answerTimer = null;
      if (current()) this.lost(NO_ANSWER);
    }, ANSWER_BOUND_MS);
    this.stream = this.api.events(events, {
      onOpen: () => {
        this.stopAnswerTimer();
        // Events from now on are seen; what happened while away is read from the list.
        void this.reconcile(current).then(
          () => {
            if (!current()) return;
            this.attempt = 0;
            this.lastError = undefined;
            this.setState('following', { containers: this.containers.size });
          },
          (error: Error) => {
            if (current()) this.lost(`cannot list containers: ${error.message}`);
          },
        );
      },
      onEvent: (event) => {
        if (current()) void this.onEvent(event as DockerEvent);
      },
      onEnd: (reason) => {
        if (current()) this.lost(reason);
      },
    });
  }

  private lost(reason: string): void {
    if (this.state === 'closed') return;
    this.epoch++;
    this.stopAnswerTimer();
    this.stream?.close();
    this.attempt++;
    this.lastError = reason;
    const delay = this.retry(this.attempt);
    this.setState('reconnecting', { reason, retryInMs: delay });
    if (this.timer !== null) this.time.clearTimeout(this.timer);
    this.timer = this.time.setTimeout(() => this.connect(), delay);
  }

  private async inspect(id: string): Promise<ContainerInfo | null> {
    const json = await this.api.get<Parameters<typeof containerFromInspect>[0] & HealthInspect>(`/containers/${encodeURIComponent(id)}/json`);
    if (!json) return null;
    const container = containerFromInspect(json);
    // An answer that arrives after the container's destroy event would bring back a ghost.
    if (this.destroyed.has(container.id)) return null;
    this.containers.set(container.id, container);
    this.inspectedAt.set(container.id, ++this.inspections);
    this.dockerHealth?.inspected(json, toRef(container));
    return container;
  }

  /**
   * Containers started since the index was last complete, for a hostname that is neither an id
   * nor a name (docker run --hostname): at most once a second, however many reports ask.
   */
  private async refreshUnknown(): Promise<ContainerInfo[]> {
    const now = this.time.monotonic();
    if (now - this.lastRefresh < REFRESH_INTERVAL_MS) return [];
    this.lastRefresh = now;
    const list = (await this.api.get<{ Id: string }[]>('/containers/json').catch(() => null)) ?? [];
    const found: ContainerInfo[] = [];
    for (const { Id } of list) {
      if (this.containers.has(Id)) continue;
      const container = await this.inspect(Id).catch(() => null);
      if (container) found.push(container);
    }
    return found;
  }

  private async reconcile(current: () => boolean): Promise<void> {
    const mark = this.inspections;
    const list = (await this.api.get<{ Id: string }[]>('/containers/json?all=1')) ?? [];
    const seen = new Map<string, ContainerInfo>();
    for (const { Id } of list) {
      if (!current()) return;
      const container = await this.inspect(Id);
      if (container) seen.set(container.id, container);
    }
    if (!current()) return;
    // Containers inspected since the list was asked for (started meanwhile) are not gone.
    for (const [id, container] of this.containers) {
      if (seen.has(id)) continue;
      if ((this.inspectedAt.get(id) ?? 0) > mark) seen.set(id, container);
      else this.forget(id);
    }
    this.registry.reconcileContainers(seen);
  }

  private forget(id: string): void {
    this.containers.delete(id);
    this.inspectedAt.delete(id);
    this.recheckedAt.delete(id);
  }

  private async onEvent(event: DockerEvent): Promise<void> {
    const id = event.Actor?.ID ?? event.id;
    if (!id) return;
    const action = event.Action ?? event.status ?? '';
    try {
      // health_status comes as `health_status: healthy`.
      if (action === 'exec_die' || action.startsWith('health_status')) {
        await this.dockerHealth?.probed(id, () => this.inspect(id));
        return;
      }
      switch (action) {
        case 'start':
          await this.inspect(id);
          break;
        case 'die': {
          const known = this.containers.get(id);
          if (known) known.running = false;
          this.registry.containerDied(id);
          break;
        }
        case 'destroy': {
          const now = this.time.monotonic();
          for (const [gone, at] of this.destroyed) if (now - at > DESTROYED_MEMORY_MS) this.destroyed.delete(gone);
          this.destroyed.set(id, now);
          this.forget(id);
          this.dockerHealth?.forget(id);
          this.registry.containerRemoved(id);
          break;
        }
      }
    } catch (error) {
      this.log.warn({ containerId: id, err: error }, `cannot follow container ${id.slice(0, 12)}: ${(error as Error).message}`);
    }
  }
}

interface DockerEvent {
  Type?: string;
  Action?: string;
  status?: string;
  id?: string;
  Actor?: { ID?: string };
}
