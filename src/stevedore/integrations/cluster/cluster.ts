import type { Time } from '../../../common/time.js';
import type { Config } from '../../config/config.js';
import type { EtcdConnection } from '../../etcd-connection.js';
import type { Logger } from '../../logging/logger.js';
import type { RegistryEvents, RegistryReader } from '../../registry/ports.js';
import { ClusterPublisher } from './publisher.js';
import type { ClusterHostState } from './reader.js';
import { ClusterView } from './view.js';

/** The cluster settings a reload compares: another value restarts the cluster part (so does another etcd connection). */
export const clusterSettings = (c: Config): unknown =>
  c.clusterName === null ? null : [c.clusterName, c.clusterHost, c.clusterView, c.expireMs, c.services.map((s) => [s.name, s.expireMs])];

/**
 * This stevedore's part in a cluster (cluster-name), on stevedore's etcd connection: the
 * publishing sink, and with cluster-view the view of every host. `onHost` hears hosts lost and
 * back (notifications).
 */
export class ClusterMember {
  readonly publisher: ClusterPublisher;
  readonly view: ClusterView | null;
  private readonly unfollow: () => void;

  private constructor(
    config: Config & { clusterName: string },
    private readonly etcd: EtcdConnection,
    registry: RegistryReader & RegistryEvents,
    time: Time,
    log: Logger,
    onHost: (host: string, state: ClusterHostState) => void,
  ) {
    this.unfollow = etcd.onStatus((status) => this.view?.etcdStatus(status));
    this.publisher = new ClusterPublisher(etcd.client, registry, registry, config.clusterName, config.clusterHost, time, log);
    const expires = new Map(config.services.map((s) => [s.name, s.expireMs]));
    this.view = !config.clusterView
      ? null
      : new ClusterView(etcd.client, config.clusterName, time, {
          expireMs: (service) => expires.get(service) ?? config.expireMs,
          onHost: (host, state) => {
            if (state === 'lost') log.warn({ cluster: config.clusterName, host, state }, `cluster ${config.clusterName}: host ${host} lost (its lease expired): its instances are stale`);
            else log.info({ cluster: config.clusterName, host, state }, `cluster ${config.clusterName}: host ${host} is back`);
            onHost(host, state);
          },
        });
  }

  static start(
    config: Config,
    etcd: EtcdConnection | null,
    registry: RegistryReader & RegistryEvents,
    time: Time,
    log: Logger,
    onHost: (host: string, state: ClusterHostState) => void = () => {},
  ): ClusterMember | null {
    if (config.clusterName === null || etcd === null) return null;
    const member = new ClusterMember({ ...config, clusterName: config.clusterName }, etcd, registry, time, log, onHost);
    member.publisher.start();
    member.view?.start();
    return member;
  }

  health(): Record<string, unknown> {
    const view = this.view;
    const connection = view?.connection();
    return {
      etcd: this.etcd.status,
      publisher: this.publisher.health(),
      view: view === null || connection === undefined ? 'off' : { state: connection.state, since: new Date(connection.since).toISOString(), revision: connection.revision, hosts: view.hosts().length },
    };
  }

  async close(): Promise<void> {
    this.unfollow();
    this.view?.close();
    await this.publisher.close();
  }
}
