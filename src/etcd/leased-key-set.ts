import type { EtcdClient, LeaseId, TxnOp } from './client.js';

/** The calls LeasedKeySet makes: an EtcdClient, or a stand-in in tests. */
export type LeaseClient = Pick<EtcdClient, 'grant' | 'keepAliveOnce' | 'revoke' | 'txn' | 'reachableEpoch'>;

/** etcd's default limit of operations in one transaction (--max-txn-ops). */
const MAX_TXN_OPS = 128;

/**
 * Many keys under one lease, with LeasedKey's policy (leased-key.ts) for a set: the owner says
 * which keys should exist with which values, and sync() makes etcd hold exactly those.
 *
 * - Each sync renews the lease once, then writes only what changed (puts, deletes) in one
 *   transaction: in steady state a sync is one renewal and nothing else.
 * - After an outage (etcd unreachable, then reachable) or a lost lease, every wanted key is
 *   written again under a fresh lease, keys no longer wanted are deleted, and the old lease is
 *   revoked: a key the owner let go of while etcd was away is never written back, and one that
 *   an etcd restart revived with the old lease goes with it.
 * - revoke(): the lease goes, and every key with it.
 *
 * A call that fails (an EtcdError) leaves the state such that the next sync repairs it.
 */
export class LeasedKeySet {
  private lease: LeaseId | null = null;
  /** etcd's reachable epoch when the lease was granted. */
  private grantedIn = -1;
  /** What etcd holds under the lease, as far as this side knows. */
  private readonly written = new Map<string, string>();
  /** A lease given up for a fresh one, revoked once every wanted key is on the fresh one. */
  private retiring: LeaseId | null = null;

  constructor(
    private readonly etcd: LeaseClient,
    readonly ttlSeconds: number,
  ) {}

  /** How many keys etcd holds for the set. */
  get size(): number {
    return this.written.size;
  }

  get leaseId(): LeaseId | null {
    return this.lease;
  }

  /** Makes etcd hold exactly `wanted` (key -> value) under a live lease; throws an EtcdError when etcd cannot be reached. */
  async sync(wanted: ReadonlyMap<string, string>): Promise<void> {
    if (this.lease !== null) {
      const ttl = await this.etcd.keepAliveOnce(this.lease);
      if (ttl <= 0 || this.grantedIn !== this.etcd.reachableEpoch) {
        if (ttl > 0) this.retiring = this.lease;
        this.lease = null;
      }
    }
    const fresh = this.lease === null;
    if (fresh) {
      if (wanted.size === 0 && this.written.size === 0 && this.retiring === null) return;
      this.lease = await this.etcd.grant(this.ttlSeconds);
      this.grantedIn = this.etcd.reachableEpoch;
    }
    const lease = this.lease as LeaseId;
    const ops: TxnOp[] = [];
    for (const key of this.written.keys()) if (!wanted.has(key)) ops.push({ delete: { key } });
    for (const [key, value] of wanted) if (fresh || this.written.get(key) !== value) ops.push({ put: { key, value, lease } });
    if (fresh) this.written.clear();
    for (let i = 0; i < ops.length; i += MAX_TXN_OPS) {
      const batch = ops.slice(i, i + MAX_TXN_OPS);
      await this.etcd.txn(batch);
      for (const op of batch) {
        if ('put' in op) this.written.set(op.put.key, op.put.value);
        else this.written.delete(op.delete.key);
      }
    }
    // Every wanted key hangs on the fresh lease now: revoking the old one deletes only the rest.
    const retiring = this.retiring;
    if (retiring !== null) {
      await this.etcd.revoke(retiring);
      if (this.retiring === retiring) this.retiring = null;
    }
  }

  /** Deletes every key now by revoking the lease; throws an EtcdError when etcd cannot be reached. */
  async revoke(): Promise<void> {
    for (const lease of [this.retiring, this.lease]) {
      if (lease === null) continue;
      await this.etcd.revoke(lease);
      if (this.retiring === lease) this.retiring = null;
      if (this.lease === lease) {
        this.lease = null;
        this.written.clear();
      }
    }
  }
}
