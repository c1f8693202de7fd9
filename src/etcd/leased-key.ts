import type { Time } from '../common/time.js';
import type { EtcdClient, LeaseId } from './client.js';

/**
 * The one lease policy: a key that exists while its owner says so, under a lease of its own.
 *
 * - hold(value): the first time, grant a lease and put the key under it; afterwards renew the
 *   lease once (one write per call in steady state), and put again when the value changed. A
 *   lease etcd no longer has (it expired during an outage longer than its TTL) is replaced by a
 *   fresh one and the key written again: renewal never silently stops after a reconnect.
 * - release(): revoke the lease, which deletes the key at once.
 *
 * Calls that fail (etcd unreachable) leave the state such that the next call repairs it; the
 * owner calls again at its own pace. `expiresBy` says when etcd will have dropped the key even
 * if no release gets through: the last renewal plus the TTL, on the monotonic clock.
 */
export class LeasedKey {
  private lease: LeaseId | null = null;
  private written: string | null = null;
  private lastRenewal = -Infinity;

  constructor(
    private readonly etcd: EtcdClient,
    readonly key: string,
    readonly ttlSeconds: number,
    private readonly time: Time,
  ) {}

  /** The lease the key is held under, if any. */
  get leaseId(): LeaseId | null {
    return this.lease;
  }

  /** True while a lease this key holds may still be alive in etcd. */
  get held(): boolean {
    return this.lease !== null && this.time.monotonic() < this.expiresBy;
  }

  get expiresBy(): number {
    return this.lastRenewal + this.ttlSeconds * 1000;
  }

  /** Makes the key hold value under a live lease; throws an EtcdError when etcd cannot be reached. */
  async hold(value: string): Promise<void> {
    if (this.lease !== null) {
      const startedAt = this.time.monotonic();
      const ttl = await this.etcd.keepAliveOnce(this.lease);
      if (ttl > 0) {
        this.lastRenewal = startedAt;
      } else {
        this.lease = null;
        this.written = null;
      }
    }
    if (this.lease === null) {
      const startedAt = this.time.monotonic();
      this.lease = await this.etcd.grant(this.ttlSeconds);
      this.lastRenewal = startedAt;
    }
    if (this.written !== value) {
      this.written = null;
      await this.etcd.put(this.key, value, this.lease);
      this.written = value;
    }
  }

  /** Deletes the key now by revoking its lease; throws an EtcdError when etcd cannot be reached. */
  async release(): Promise<void> {
    const lease = this.lease;
    if (lease === null) return;
    await this.etcd.revoke(lease);
    if (this.lease === lease) {
      this.lease = null;
      this.written = null;
    }
  }
}
