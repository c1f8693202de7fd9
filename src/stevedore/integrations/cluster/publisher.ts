import type { Time, TimerHandle } from '../../../common/time.js';
import { VERSION } from '../../../common/version.js';
import type { EtcdClient, LeaseId, TxnOp } from '../../../etcd/index.js';
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
 * (keys.ts), every key on one lease of this host's. It writes state changes only (it never
 * listens to `reported`), coalesced: a steady host costs its lease renewals and nothing else.
 * At start, and whenever the lease may be gone (etcd was unreachable, or the lease expired), it
 * rewrites its part under a fresh lease: delete the keys under the host's prefix it no longer
 * has and put everything, in one transaction (several when the part holds more than maxTxnOps
 * keys), then revokes the old lease, whose keys have all moved. A clean stop leaves the lease to run out: a restart within
 * the TTL replaces the part without the host ever vanishing.
 */
export class ClusterPublisher {
  private state: PublisherState = 'connecting';
  private lease: LeaseId | null = null;
  /** etcd's reachable epoch when the lease was granted: another epoch means an outage in between. */
  private grantedIn = -1;
  private readonly dirty = new Map<string, { service: string; hostname: string }>();
  private flushTimer: TimerHandle | null = null;
  private renewTimer: TimerHandle | null = null;
  private unsubscribe = (): void => {};
  /** One etcd call sequence at a time: a flush never overtakes a rewrite. */
  private work: Promise<void> = Promise.resolve();
  private readonly since: number;
  private lastError: string | undefined;
  private writes = 0;
  private renewPending = false;

  constructor(
    private readonly etcd: EtcdClient,
    private readonly reader: RegistryReader,
    private readonly events: RegistryEvents,
    readonly cluster: string,
    readonly host: string,
    private readonly time: Time,
    private readonly log: Logger,
    private readonly timing: PublisherTiming = PUBLISHER_TIMING,
  ) {
    this.since = time.wall();
  }

  start(): void {
    this.unsubscribe = this.events.subscribe((event) => {
      if (event.kind === 'instance') this.markDirty(event.service, event.hostname);
    });
    this.scheduleRenew();
    this.renewTimer = this.time.setInterval(() => this.scheduleRenew(), this.timing.renewEveryMs);
  }

  /** One renewal waits at most: when etcd answers slowly, renewals do not pile up behind each other. */
  private scheduleRenew(): void {
    if (this.renewPending) return;
    this.renewPending = true;
    this.enqueue(async () => {
      this.renewPending = false;
      await this.renew();
    });
  }

  /** Stops publishing; the lease runs out by its TTL (see the class comment). */
  async close(): Promise<void> {
    this.state = 'stopped';
    this.unsubscribe();
    if (this.renewTimer !== null) this.time.clearInterval(this.renewTimer);
    if (this.flushTimer !== null) this.time.clearTimeout(this.flushTimer);
    await this.work;
  }

  health(): { cluster: string; host: string; state: PublisherState; transactions: number; lastError?: string } {
    return { cluster: this.cluster, host: this.host, state: this.state, transactions: this.writes, ...(this.lastError !== undefined && { lastError: this.lastError }) };
  }

  private markDirty(service: string, hostname: string): void {
    this.dirty.set(`${service}/${hostname}`, { service, hostname });
    if (this.flushTimer !== null) return;
    this.flushTimer = this.time.setTimeout(() => {
      this.flushTimer = null;
      this.enqueue(() => this.flush());
    }, this.timing.coalesceMs);
  }

  private enqueue(step: () => Promise<void>): void {
    this.work = this.work.then(async () => {
      if (this.state === 'stopped') return;
      try {
        await step();
      } catch (error) {
        const message = (error as Error).message;
        if (this.state !== 'cut-off') this.log.warn({ cluster: this.cluster, host: this.host }, `cluster ${this.cluster}: cannot publish to etcd: ${message}`);
        this.lastError = message;
        this.setState('cut-off');
      }
    });
  }

  private setState(state: PublisherState): void {
    if (state === this.state) return;
    if (state === 'published' && this.state === 'cut-off') this.log.info({ cluster: this.cluster, host: this.host }, `cluster ${this.cluster}: published again as ${this.host}`);
    // The last error belongs to the outage: published again, health shows none.
    if (state === 'published') this.lastError = undefined;
    this.state = state;
  }

  private async renew(): Promise<void> {
    if (this.lease !== null && this.grantedIn === this.etcd.reachableEpoch && (await this.etcd.keepAliveOnce(this.lease)) > 0 && this.grantedIn === this.etcd.reachableEpoch) {
      this.setState('published');
      await this.flush();
      return;
    }
    await this.rewrite();
  }

  /** Our whole part under a fresh lease, replacing whatever etcd held under our prefix. */
  private async rewrite(): Promise<void> {
    const retired = this.lease;
    this.lease = null;
    const lease = await this.etcd.grant(this.timing.leaseTtlSeconds);
    const grantedIn = this.etcd.reachableEpoch;
    this.dirty.clear();
    const record: HostRecord = { version: VERSION, since: this.since };
    const puts: TxnOp[] = [{ put: { key: hostKey(this.cluster, this.host), value: JSON.stringify(record), lease } }];
    for (const service of this.reader.services()) {
      for (const instance of service.instances.values()) {
        puts.push({ put: { key: instanceKey(this.cluster, this.host, service.name, instance.hostname), value: JSON.stringify(instanceRecord(instance)), lease } });
      }
    }
    // etcd refuses a put inside a range the same transaction deletes: delete exactly the keys left over.
    const written = new Set(puts.map((op) => ('put' in op ? op.put.key : '')));
    const leftOver = (await this.etcd.getPrefix(hostPrefix(this.cluster, this.host))).filter((kv) => !written.has(kv.key));
    const ops: TxnOp[] = [...leftOver.map((kv): TxnOp => ({ delete: { key: kv.key } })), ...puts];
    await this.send(ops);
    this.lease = lease;
    this.grantedIn = grantedIn;
    this.setState('published');
    // Every key moved to the fresh lease: revoking the old one deletes nothing of ours.
    if (retired !== null) await this.etcd.revoke(retired).catch(() => {});
  }

  private async flush(): Promise<void> {
    if (this.lease === null || this.dirty.size === 0) return;
    const lease = this.lease;
    const changed = [...this.dirty.values()];
    this.dirty.clear();
    const ops = changed.map(({ service, hostname }): TxnOp => {
      const key = instanceKey(this.cluster, this.host, service, hostname);
      const instance = this.reader.service(service)?.instances.get(hostname);
      return instance === undefined ? { delete: { key } } : { put: { key, value: JSON.stringify(instanceRecord(instance)), lease } };
    });
    try {
      await this.send(ops);
    } catch (error) {
      // Written again by the next flush, or by the rewrite that follows an outage.
      for (const c of changed) if (!this.dirty.has(`${c.service}/${c.hostname}`)) this.dirty.set(`${c.service}/${c.hostname}`, c);
      throw error;
    }
  }

  private async send(ops: readonly TxnOp[]): Promise<void> {
    for (let i = 0; i < ops.length; i += this.timing.maxTxnOps) {
      await this.etcd.txn(ops.slice(i, i + this.timing.maxTxnOps));
      this.writes++;
    }
  }
}
