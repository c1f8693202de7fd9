import type { HostPort } from '../common/host-port.js';
import { EtcdClient, type EndpointStatus } from '../etcd/index.js';
import type { Config } from './config/config.js';

/** unknown: no call answered yet; reachable, unreachable: as the last call found etcd; closed. */
export type EtcdConnectionStatus = EndpointStatus | 'closed';

/**
 * The settings the connection is made with: a part that uses it lists them among its own, so that
 * a reload that changes them restarts it on the new connection.
 */
export const etcdConnectionSettings = (c: Config): unknown => c.etcdEndpoints.map((e) => [e.host, e.port]);

/**
 * stevedore's one etcd client (etcd-endpoints), shared by every part that talks to etcd: the etcd
 * sink and the cluster (publisher and view). One connection pool, one reachability: what one
 * part's call finds about etcd, every part sees (status, onStatus).
 */
export class EtcdConnection {
  readonly client: EtcdClient;
  private closed = false;
  private readonly listeners = new Set<(status: EndpointStatus, detail: string) => void>();

  constructor(endpoints: readonly HostPort[]) {
    this.client = new EtcdClient(endpoints, (status, detail) => {
      for (const listener of this.listeners) listener(status, detail);
    });
  }

  /** A connection for a configuration with etcd-endpoints; null without. */
  static start(config: Config): EtcdConnection | null {
    return config.etcdEndpoints.length === 0 ? null : new EtcdConnection(config.etcdEndpoints);
  }

  get status(): EtcdConnectionStatus {
    return this.closed ? 'closed' : this.client.status;
  }

  /** Hears each change of reachability (with what the call found: for unreachable, why); gives the function that stops it. */
  onStatus(listener: (status: EndpointStatus, detail: string) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    this.client.close();
  }
}
