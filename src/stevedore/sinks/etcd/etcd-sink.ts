import type { Time } from '../../../common/time.js';
import { discoveryKey } from '../../../checker/discovery-key.js';
import type { ContainerDescription } from '../../../docker/container-description.js';
import { EtcdError } from '../../../etcd/errors.js';
import { LeasedKeySet, type LeaseClient } from '../../../etcd/leased-key-set.js';
import type { EndpointStatus } from '../../../etcd/index.js';
import type { Logger } from '../../logging/logger.js';
import type { RegistryEvent } from '../../registry/events.js';
import type { RegistryEvents, RegistryReader } from '../../registry/ports.js';
import type { InstanceView } from '../../registry/records.js';
import { discoveryValue } from './discovery-value.js';

/**
 * connecting: etcd has not answered yet; publishing: etcd answered and holds what it should;
 * unreachable: the connection finds etcd unreachable, waiting for it; stopped.
 */
export type EtcdSinkState = 'connecting' | 'publishing' | 'unreachable' | 'stopped';

/** The shared connection's reachability, as every part that calls etcd finds it (EtcdConnection). */
export interface EtcdReachability {
  readonly status: EndpointStatus | 'closed';
  onStatus(listener: (status: EndpointStatus, detail: string) => void): () => void;
}

export interface EtcdSinkOptions {
  etcd: LeaseClient;
  /** The connection etcd is called on: the sink's state follows its reachability. */
  connection: EtcdReachability;
  /** As the configuration gives them, for /v1/health. */
  endpoints: readonly string[];
  prefix: string;
  /** The lease's TTL: the keys outlive a crash by at most this long. */
  ttlSeconds: number;
  registry: RegistryReader & RegistryEvents;
  /** Docker's description of the container, when stevedore follows Docker and it is there; null otherwise. */
  describe(containerId: string): Promise<ContainerDescription | null>;
  time: Time;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** How long to wait before trying etcd again after a failure. [1 s] */
  retryMs?: number;
}

export interface EtcdSinkHealth {
  state: EtcdSinkState;
  endpoints: readonly string[];
  prefix: string;
  ttlSeconds: number;
  /** Keys etcd holds for stevedore now. */
  keys: number;
  lastError?: string;
}

const DEFAULT_RETRY_MS = 1000;

/**
 * The etcd sink: every instance that is ok, whatever its source, as PREFIX/SERVICE/INSTANCE under
 * one lease of stevedore's (LeasedKeySet, revoked on stop), removed when it leaves ok. It follows
 * the registry's state changes, never `reported`: etcd sees changes and a lease renewal every
 * third of the TTL, not a write per report. A clean stop revokes the lease (every key gone at
 * once); after a crash the keys expire with the TTL.
 */
export class EtcdSink {
  private state: EtcdSinkState = 'connecting';
  private readonly keys: LeasedKeySet;
  private unsubscribe: (() => void) | null = null;
  private unfollow: (() => void) | null = null;
  /** Whether the key set last settled with etcd holding what it wants. */
  private held = false;
  /** What made etcd fail, until it answers again. */
  private lastError: string | undefined;

  constructor(private readonly options: EtcdSinkOptions) {
    this.keys = new LeasedKeySet(options.etcd, options.time, { ttlSeconds: options.ttlSeconds, retryMs: options.retryMs ?? DEFAULT_RETRY_MS, revokeOnStop: true }, (status, error) =>
      status === 'held' ? this.settled() : this.failed(error as Error),
    );
  }

  start(): void {
    const { registry } = this.options;
    this.unsubscribe = registry.subscribe((event) => this.onEvent(event));
    this.unfollow = this.options.connection.onStatus((status, detail) => this.onConnection(status, detail));
    for (const service of registry.services()) for (const instance of service.instances.values()) if (instance.state === 'ok') void this.publish(instance);
    this.keys.start();
  }

  /** Stops following the registry and revokes the lease (tried once: a clean stop never hangs; the keys then expire by TTL). */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.setState('stopped');
    this.unsubscribe?.();
    this.unfollow?.();
    try {
      await this.keys.stop();
    } catch (error) {
      this.options.log.warn(`etcd: cannot revoke stevedore's lease (${(error as Error).message}): its keys expire within ${this.options.ttlSeconds} s`);
    }
  }

  health(): EtcdSinkHealth {
    const { endpoints, prefix, ttlSeconds } = this.options;
    const { lastError } = this;
    return { state: this.state, endpoints, prefix, ttlSeconds, keys: this.keys.size, ...(lastError !== undefined && { lastError }) };
  }

  private keyOf(service: string, hostname: string): string {
    return discoveryKey(this.options.prefix, service, hostname);
  }

  private onEvent(event: RegistryEvent): void {
    if (event.kind !== 'instance') return;
    if (event.to === 'ok') {
      const instance = this.options.registry.service(event.service)?.instances.get(event.hostname);
      if (instance) void this.publish(instance);
    } else {
      this.keys.delete(this.keyOf(event.service, event.hostname));
    }
  }

  /** Adds the instance with its value (Docker's description asked first), unless it left ok meanwhile. */
  private async publish(instance: InstanceView): Promise<void> {
    const containerId = instance.container?.id;
    const description = containerId === undefined ? null : await this.options.describe(containerId).catch(() => null);
    const now = this.options.registry.service(instance.service)?.instances.get(instance.hostname);
    if (this.state === 'stopped' || now?.state !== 'ok') return;
    this.keys.set(this.keyOf(instance.service, instance.hostname), discoveryValue(now, description));
  }

  /** etcd holds what the key set wants: publishing once the connection has found etcd answering. */
  private settled(): void {
    this.held = true;
    this.lastError = undefined;
    this.follow(this.options.connection.status);
  }

  private failed(error: Error): void {
    this.held = false;
    this.lastError = error.message;
    if (error instanceof EtcdError && error.code === 'ETCD_UNREACHABLE') this.setState('unreachable');
    else this.options.log.error(`etcd: ${error.message}`);
  }

  /** Another part's call (the cluster's) found etcd gone or back: the sink says the same. */
  private onConnection(status: EndpointStatus, detail: string): void {
    if (status === 'unreachable') this.lastError = `etcd is unreachable (${detail})`;
    else if (this.held) this.lastError = undefined;
    this.follow(status);
  }

  private follow(status: EndpointStatus | 'closed'): void {
    if (this.state === 'stopped') return;
    if (status === 'unreachable') this.setState('unreachable');
    else if (status === 'reachable' && this.held) this.setState('publishing');
  }

  private setState(to: EtcdSinkState): void {
    if (to === this.state) return;
    const from = this.state;
    this.state = to;
    const { log, endpoints, prefix } = this.options;
    if (to === 'unreachable') log.warn(`${this.lastError ?? `etcd is unreachable (${endpoints.join(', ')})`}; keys are written again when it is back`);
    else if (to === 'publishing') log.info(`etcd: publishing ok instances under ${prefix} (${this.keys.size} keys)${from === 'unreachable' ? ', again after the outage' : ''}`);
    else if (to === 'stopped') log.info('etcd: stopping; revoking stevedore\'s lease');
  }
}
