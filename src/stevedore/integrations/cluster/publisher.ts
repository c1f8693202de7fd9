import type { Time } from '../../../common/time.js';
import { VERSION } from '../../../common/version.js';
import { LeasedKeySet, type LeaseClient } from '../../../etcd/index.js';
import type { Logger } from '../../logging/logger.js';
import type { RegistryEvents, RegistryReader } from '../../registry/ports.js';
import { hostKey, hostPrefix, instanceKey, instanceRecord, type HostRecord } from './keys.js';

/** connecting: not yet published; published: our part is in etcd under a live lease; cut-off: etcd unreachable; stopped. */
export type PublisherState = 'connecting' | 'published' | 'cut-off' | 'stopped';

export interface PublisherTiming {
  /** The host's lease: its keys vanish this long after its stevedore stops renewing. */
  leaseTtlSeconds: number;
  renewEveryMs: number;
  /** State changes within this window go out in one transaction. */
  coalesceMs: number;
  /** etcd's --max-txn-ops (128 by default): a larger rewrite goes out in several transactions. */
  maxTxnOps: number;
}

export const PUBLISHER_TIMING: PublisherTiming = { leaseTtlSeconds: 10, renewEveryMs: 3000, coalesceMs: 100, maxTxnOps: 128 };

/**
 * The publishing sink: this host's whole registry under /tallyman/v1/CLUSTER/hosts/HOST/
 * (keys.ts), every key on one lease of this host's, held by the lease policy (LeasedKeySet) that
 * owns the host's prefix. It hands the policy state changes only (it never listens to
 * `reported`), coalesced: a steady host costs its lease renewals and nothing else. At start, and
 * whenever the lease may be gone, the policy rewrites the part under a fresh lease in one
 * transaction, deleting what an earlier stevedore of this host left. A clean stop leaves the
 * lease to run out: a restart within the TTL replaces the part without the host ever vanishing.
 */
export class ClusterPublisher {
  private state: PublisherState = 'connecting';
  private readonly keys: LeasedKeySet;
  private unsubscribe = (): void => {};
  private readonly since: number;

  constructor(
    etcd: LeaseClient,
    private readonly reader: RegistryReader,
    private readonly events: RegistryEvents,
    readonly cluster: string,
    readonly host: string,
    time: Time,
    private readonly log: Logger,
    timing: PublisherTiming = PUBLISHER_TIMING,
  ) {
    this.since = time.wall();
    const policy = { ttlSeconds: timing.leaseTtlSeconds, renewEveryMs: timing.renewEveryMs, coalesceMs: timing.coalesceMs, maxTxnOps: timing.maxTxnOps, revokeOnStop: false, ownsPrefix: hostPrefix(cluster, host) };
    this.keys = new LeasedKeySet(etcd, time, policy, (status, error) => (status === 'held' ? this.setState('published') : this.cutOff(error as Error)));
  }

  start(): void {
    this.unsubscribe = this.events.subscribe((event) => {
      if (event.kind === 'instance') this.update(event.service, event.hostname);
    });
    const record: HostRecord = { version: VERSION, since: this.since };
    this.keys.set(hostKey(this.cluster, this.host), JSON.stringify(record));
    for (const service of this.reader.services()) for (const instance of service.instances.values()) this.update(service.name, instance.hostname);
    this.keys.start();
  }

  /** Stops publishing; the lease runs out by its TTL (see the class comment). */
  async close(): Promise<void> {
    this.state = 'stopped';
    this.unsubscribe();
    await this.keys.stop();
  }

  health(): { cluster: string; host: string; state: PublisherState; transactions: number; lastError?: string } {
    const lastError = this.keys.lastError?.message;
    return { cluster: this.cluster, host: this.host, state: this.state, transactions: this.keys.transactions, ...(lastError !== undefined && { lastError }) };
  }

  /** The instance's key holds its record while the registry has it. */
  private update(service: string, hostname: string): void {
    const key = instanceKey(this.cluster, this.host, service, hostname);
    const instance = this.reader.service(service)?.instances.get(hostname);
    if (instance === undefined) this.keys.delete(key);
    else this.keys.set(key, JSON.stringify(instanceRecord(instance)));
  }

  private cutOff(error: Error): void {
    if (this.state !== 'cut-off') this.log.warn({ cluster: this.cluster, host: this.host }, `cluster ${this.cluster}: cannot publish to etcd: ${error.message}`);
    this.setState('cut-off');
  }

  private setState(state: PublisherState): void {
    if (state === this.state || this.state === 'stopped') return;
    if (state === 'published' && this.state === 'cut-off') this.log.info({ cluster: this.cluster, host: this.host }, `cluster ${this.cluster}: published again as ${this.host}`);
    this.state = state;
  }
}
