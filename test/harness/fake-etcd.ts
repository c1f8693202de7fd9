import { EtcdError } from '../../src/etcd/errors.js';
import type { KeyValue, TxnOp } from '../../src/etcd/client.js';
import type { LeaseClient } from '../../src/etcd/leased-key-set.js';
import type { EndpointStatus } from '../../src/etcd/index.js';
import type { FakeTime } from './fake-time.js';

/**
 * etcd as a lease holder sees it, for unit tests: keys under leases, leases that expire on the
 * fake clock, and an outage switch. `restart()` brings etcd back, reviving its leases as a real
 * restart does.
 */
export class FakeEtcd implements LeaseClient {
  keys = new Map<string, { value: string; lease: string }>();
  /** lease -> its TTL and when it expires (monotonic ms). */
  leases = new Map<string, { ttlSeconds: number; expires: number }>();
  reachableEpoch = 1;
  up = true;
  /** Writes etcd took: each put and delete, one per key (a revision each in a real etcd). */
  writes = 0;
  keepAlives = 0;
  /** Each transaction, as its operations. */
  transactions: TxnOp[][] = [];
  private next = 1;
  /** Reachability as a connection finds it: set by each call, heard by onStatus (as EtcdConnection's). */
  status: EndpointStatus = 'unknown';
  private readonly listeners = new Set<(status: EndpointStatus, detail: string) => void>();

  constructor(private readonly time: FakeTime) {}

  onStatus(listener: (status: EndpointStatus, detail: string) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** One call's finding about reachability, as the client's gateway reports it. */
  found(status: EndpointStatus, detail = ''): void {
    if (status === this.status) return;
    this.status = status;
    for (const listener of this.listeners) listener(status, detail);
  }

  private call(): void {
    if (!this.up) {
      this.found('unreachable', '127.0.0.1:2379: connect ECONNREFUSED');
      throw new EtcdError('ETCD_UNREACHABLE', 'etcd is unreachable (127.0.0.1:2379: connect ECONNREFUSED)');
    }
    this.found('reachable');
    for (const [lease, { expires }] of this.leases) if (this.time.monotonic() >= expires) this.dropLease(lease);
  }

  /** The lease goes, and every key on it: what expiry, revocation or `etcdctl lease revoke` do. */
  dropLease(lease: string): void {
    this.leases.delete(lease);
    for (const [key, kv] of this.keys) if (kv.lease === lease) this.keys.delete(key);
  }

  async grant(ttlSeconds: number): Promise<string> {
    this.call();
    const id = String(this.next++);
    this.leases.set(id, { ttlSeconds, expires: this.time.monotonic() + ttlSeconds * 1000 });
    return id;
  }

  async keepAliveOnce(lease: string): Promise<number> {
    this.call();
    this.keepAlives++;
    const held = this.leases.get(lease);
    if (held === undefined) return 0;
    held.expires = this.time.monotonic() + held.ttlSeconds * 1000;
    return held.ttlSeconds;
  }

  async revoke(lease: string): Promise<void> {
    this.call();
    this.dropLease(lease);
  }

  async txn(ops: readonly TxnOp[]): Promise<void> {
    this.call();
    for (const op of ops) if ('put' in op && !this.leases.has(op.put.lease ?? '')) throw new EtcdError('ETCD_REFUSED', 'etcdserver: requested lease not found', 5);
    this.transactions.push([...ops]);
    for (const op of ops) {
      this.writes++;
      if ('put' in op) this.keys.set(op.put.key, { value: op.put.value, lease: op.put.lease ?? '0' });
      else this.keys.delete(op.delete.key);
    }
  }

  async getPrefix(prefix: string): Promise<KeyValue[]> {
    this.call();
    return [...this.keys]
      .filter(([key]) => key.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, kv]) => ({ key, value: kv.value, lease: kv.lease, modRevision: 0 }));
  }

  stop(): void {
    this.up = false;
  }

  /** Back up; a restart revives every lease with its full TTL. */
  restart(): void {
    this.up = true;
    this.reachableEpoch++;
    for (const held of this.leases.values()) held.expires = this.time.monotonic() + held.ttlSeconds * 1000;
  }

  values(): Record<string, string> {
    return Object.fromEntries([...this.keys].map(([k, v]) => [k, v.value]));
  }
}
