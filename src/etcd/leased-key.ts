import type { EtcdClient, LeaseId } from './client.js';

/**
 * The one lease policy: a key that exists while its owner says so, under a lease of its own.
 *
 * - hold(value): the first time, grant a lease and put the key under it; afterwards renew the
 *   lease once (one write per call in steady state), and put again when the value changed.
 *   After an outage (etcd unreachable, then reachable again) the key is written again under a
 *   fresh lease, and the old lease revoked: whether the old one expired, or was revived by an
 *   etcd restart, renewal never silently depends on it (microsoft/etcd3#110, etcd-io/etcd#7357).
 * - release(): revoke the lease, which deletes the key at once.
 *
 * Calls that fail (etcd unreachable) leave the state such that the next call repairs it; the
 * owner calls again at its own pace.
 */
export class LeasedKey {
  private lease: LeaseId | null = null;
  /** etcd's reachable epoch when the lease was granted. */
  private grantedIn = -1;
  private written: string | null = null;

  constructor(
    private readonly etcd: EtcdClient,
    readonly key: string,
    readonly ttlSeconds: number,
  ) {}

  /** Makes the key hold value under a live lease; throws an EtcdError when etcd cannot be reached. */
  async hold(value: string): Promise<void> {
    let retired: LeaseId | null = null;
    if (this.lease !== null) {
      const ttl = await this.etcd.keepAliveOnce(this.lease);
      if (ttl <= 0 || this.grantedIn !== this.etcd.reachableEpoch) {
        retired = ttl > 0 ? this.lease : null;
        this.lease = null;
        this.written = null;
      }
    }
    if (this.lease === null) {
      this.lease = await this.etcd.grant(this.ttlSeconds);
      this.grantedIn = this.etcd.reachableEpoch;
    }
    if (this.written !== value) {
      this.written = null;
      await this.etcd.put(this.key, value, this.lease);
      this.written = value;
    }
    // The key now hangs on the fresh lease: revoking the old one deletes nothing else.
    if (retired !== null) await this.etcd.revoke(retired).catch(() => {});
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
