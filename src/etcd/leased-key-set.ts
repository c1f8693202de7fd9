import type { Time, TimerHandle } from '../common/time.js';
import type { EtcdClient, LeaseId, TxnOp } from './client.js';

/** The calls LeasedKeySet makes: an EtcdClient, or a stand-in in tests. */
export type LeaseClient = Pick<EtcdClient, 'grant' | 'keepAliveOnce' | 'revoke' | 'txn' | 'getPrefix' | 'reachableEpoch'>;

/** The choices an owner makes about its lease. */
export interface LeasePolicy {
  /** The lease's TTL: the keys outlive their owner's last renewal by at most this long. */
  ttlSeconds: number;
  /** How often the lease is renewed. [a third of the TTL] */
  renewEveryMs?: number;
  /** Changes within this window go out in one transaction. [0: each at once] */
  coalesceMs?: number;
  /** After a failed call, try again this much later. [at the next renewal] */
  retryMs?: number;
  /**
   * stop() revokes the lease, so every key vanishes at once (discovery: no ghost entries); without
   * it the keys outlive the stop by the TTL, so that a restart within it replaces them unseen.
   */
  revokeOnStop: boolean;
  /**
   * A prefix the set owns whole: a write under a fresh lease also deletes every key under it the
   * set does not want, whoever left it (an earlier process of the same owner). Without it, only
   * keys this set wrote are ever deleted (the prefix is shared with others).
   */
  ownsPrefix?: string;
  /** etcd's --max-txn-ops (128 by default): a larger write goes out in several transactions. */
  maxTxnOps?: number;
}

/** connecting: nothing written yet; held: etcd holds what the set wants; failing: the last call failed (lastError); stopped. */
export type LeasedKeySetStatus = 'connecting' | 'held' | 'failing' | 'stopped';

const MAX_TXN_OPS = 128;

/**
 * The one lease policy for a set of keys under one lease: the owner says which keys should exist
 * with which values (set, delete), and the set makes etcd hold exactly those.
 *
 * - Steady state costs one renewal every renewEveryMs; a change writes only what changed.
 * - At start, after an outage (etcd unreachable, then reachable) and after the lease was lost,
 *   every wanted key is written under a fresh lease in one transaction (several beyond
 *   maxTxnOps), keys no longer wanted are deleted in it, and the old lease is revoked: a key the
 *   owner let go of while etcd was away is never written back, and whether the old lease expired
 *   or was revived by an etcd restart, nothing depends on it (microsoft/etcd3#110, etcd-io/etcd#7357).
 * - One sync at a time; a change or renewal asked for meanwhile makes one more sync after it.
 *
 * A call that fails (an EtcdError) leaves the state such that the next sync repairs it.
 */
export class LeasedKeySet {
  private status: LeasedKeySetStatus = 'connecting';
  private error: Error | undefined;
  private lease: LeaseId | null = null;
  /** etcd's reachable epoch when the lease was granted: another epoch means an outage in between. */
  private grantedIn = -1;
  /** Leases given up for a fresh one, revoked once every wanted key is on the fresh one. */
  private retiring: LeaseId[] = [];
  /** key -> value: what etcd should hold, whether or not it can be reached. */
  private readonly wanted = new Map<string, string>();
  /** What etcd holds under the lease, as far as this side knows. */
  private readonly written = new Map<string, string>();
  /** Keys changed since they were last written. */
  private readonly pending = new Set<string>();
  private running: Promise<void> | null = null;
  private again: { renew: boolean } | null = null;
  private renewal: TimerHandle | undefined;
  private coalesce: TimerHandle | undefined;
  private retry: TimerHandle | undefined;
  private writes = 0;

  constructor(
    private readonly etcd: LeaseClient,
    private readonly time: Time,
    readonly policy: LeasePolicy,
    private readonly onSync: (status: 'held' | 'failing', error?: Error) => void = () => {},
  ) {}

  get state(): LeasedKeySetStatus {
    return this.status;
  }

  /** The last call's error while failing. */
  get lastError(): Error | undefined {
    return this.error;
  }

  /** How many keys etcd holds for the set. */
  get size(): number {
    return this.written.size;
  }

  get leaseId(): LeaseId | null {
    return this.lease;
  }

  /** Transactions sent so far. */
  get transactions(): number {
    return this.writes;
  }

  get renewEveryMs(): number {
    return this.policy.renewEveryMs ?? (this.policy.ttlSeconds * 1000) / 3;
  }

  /** Renews every renewEveryMs and writes changes as they come, from a first sync now. */
  start(): void {
    this.renewal = this.time.setInterval(() => this.request(true), this.renewEveryMs);
    this.request(true);
  }

  /** The key should hold value. */
  set(key: string, value: string): void {
    if (this.wanted.get(key) === value) return;
    this.wanted.set(key, value);
    this.changed(key);
  }

  /** The key should not exist. */
  delete(key: string): void {
    if (!this.wanted.delete(key)) return;
    this.changed(key);
  }

  /** Stops renewing; with revokeOnStop, revokes the lease (throws an EtcdError when etcd cannot be reached). */
  async stop(): Promise<void> {
    if (this.status === 'stopped') return;
    this.status = 'stopped';
    this.time.clearInterval(this.renewal);
    this.time.clearTimeout(this.coalesce);
    this.time.clearTimeout(this.retry);
    await this.running;
    if (this.policy.revokeOnStop) await this.revoke();
  }

  /**
   * Makes etcd hold exactly what the set wants under a live lease, now: renews the lease once
   * (renew, or when it may be gone), then writes. Throws an EtcdError when etcd cannot be reached.
   */
  async sync(renew = true): Promise<void> {
    if (this.lease !== null && (renew || this.grantedIn !== this.etcd.reachableEpoch)) {
      const ttl = await this.etcd.keepAliveOnce(this.lease);
      if (ttl <= 0 || this.grantedIn !== this.etcd.reachableEpoch) {
        if (ttl > 0) this.retiring.push(this.lease);
        this.lease = null;
      }
    }
    if (this.lease === null) await this.rewrite();
    else await this.send(this.changes(this.lease, [...this.pending]));
    // Every wanted key hangs on the fresh lease now: revoking an old one deletes only the rest.
    while (this.retiring.length > 0) {
      await this.etcd.revoke(this.retiring[0] as LeaseId);
      this.retiring.shift();
    }
  }

  /** Deletes every key now by revoking the lease; throws an EtcdError when etcd cannot be reached. */
  async revoke(): Promise<void> {
    if (this.lease !== null) {
      this.retiring.push(this.lease);
      this.lease = null;
      for (const key of this.written.keys()) this.pending.add(key);
      this.written.clear();
    }
    while (this.retiring.length > 0) {
      await this.etcd.revoke(this.retiring[0] as LeaseId);
      this.retiring.shift();
    }
  }

  private changed(key: string): void {
    this.pending.add(key);
    if (this.status === 'stopped' || this.renewal === undefined) return;
    const coalesceMs = this.policy.coalesceMs ?? 0;
    if (coalesceMs <= 0) this.request(false);
    else if (this.coalesce === undefined) {
      this.coalesce = this.time.setTimeout(() => {
        this.coalesce = undefined;
        this.request(false);
      }, coalesceMs);
    }
  }

  /** Everything wanted under a fresh lease, in one transaction with the deletions. */
  private async rewrite(): Promise<void> {
    const { ownsPrefix } = this.policy;
    const keys = new Set([...this.wanted.keys(), ...this.written.keys(), ...this.pending]);
    if (keys.size === 0 && this.retiring.length === 0 && ownsPrefix === undefined) return;
    const lease = await this.etcd.grant(this.policy.ttlSeconds);
    this.grantedIn = this.etcd.reachableEpoch;
    // Until every key is on it, the fresh lease is unfinished: a failure retires it and starts over.
    this.retiring.push(lease);
    if (ownsPrefix !== undefined) for (const kv of await this.etcd.getPrefix(ownsPrefix)) keys.add(kv.key);
    const ops: TxnOp[] = [];
    // etcd refuses a put inside a range the same transaction deletes: delete exactly the keys not wanted.
    for (const key of keys) if (!this.wanted.has(key)) ops.push({ delete: { key } });
    for (const [key, value] of this.wanted) ops.push({ put: { key, value, lease } });
    this.written.clear();
    await this.send(ops);
    this.retiring.splice(this.retiring.indexOf(lease), 1);
    this.lease = lease;
  }

  /** The writes that bring etcd from `written` to `wanted` for these keys. */
  private changes(lease: LeaseId, keys: readonly string[]): TxnOp[] {
    const ops: TxnOp[] = [];
    for (const key of keys) {
      const value = this.wanted.get(key);
      if (value === undefined) {
        if (this.written.has(key)) ops.push({ delete: { key } });
        else this.pending.delete(key);
      } else if (this.written.get(key) !== value) ops.push({ put: { key, value, lease } });
      else this.pending.delete(key);
    }
    return ops;
  }

  private async send(ops: readonly TxnOp[]): Promise<void> {
    const max = this.policy.maxTxnOps ?? MAX_TXN_OPS;
    for (let i = 0; i < ops.length; i += max) {
      const batch = ops.slice(i, i + max);
      await this.etcd.txn(batch);
      this.writes++;
      for (const op of batch) {
        const key = 'put' in op ? op.put.key : op.delete.key;
        if ('put' in op) this.written.set(key, op.put.value);
        else this.written.delete(key);
        if (this.wanted.get(key) === ('put' in op ? op.put.value : undefined)) this.pending.delete(key);
      }
    }
  }

  /** A sync now, or one more after the running one (a renewal when any request asked for it). */
  private request(renew: boolean): void {
    if (this.status === 'stopped') return;
    if (this.running !== null) {
      this.again = { renew: renew || (this.again?.renew ?? false) };
      return;
    }
    this.time.clearTimeout(this.retry);
    this.retry = undefined;
    // After a failure, the next sync renews: the lease may be gone.
    const running = this.sync(renew || this.status === 'failing').then(
      () => this.settled('held'),
      (error: unknown) => this.settled('failing', error as Error),
    );
    this.running = running.finally(() => {
      this.running = null;
      const again = this.again;
      this.again = null;
      if (again !== null) this.request(again.renew);
    });
  }

  private settled(status: 'held' | 'failing', error?: Error): void {
    if (this.status === 'stopped') return;
    this.status = status;
    this.error = error;
    if (status === 'failing' && this.policy.retryMs !== undefined) this.retry = this.time.setTimeout(() => this.request(true), this.policy.retryMs);
    this.onSync(status, error);
  }
}
