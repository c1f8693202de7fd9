import type { Time } from '../../../common/time.js';
import { EtcdClient } from '../../../etcd/index.js';
import type { Config } from '../../config/config.js';
import type { Logger } from '../../logging/logger.js';
import type { RegistryEvents, RegistryReader } from '../../registry/ports.js';
import { ClusterPublisher } from './publisher.js';

/** The cluster settings a reload compares: another value restarts the cluster part. */
export const clusterSettings = (c: Config): unknown => (c.clusterName === null ? null : [c.etcdEndpoints, c.clusterName, c.clusterHost, c.clusterView]);

/** This stevedore's part in a cluster (cluster-name): one etcd client, the publishing sink. */
export class ClusterMember {
  private readonly etcd: EtcdClient;
  readonly publisher: ClusterPublisher;

  constructor(config: Config & { clusterName: string }, registry: RegistryReader & RegistryEvents, time: Time, log: Logger) {
    this.etcd = new EtcdClient(config.etcdEndpoints);
    this.publisher = new ClusterPublisher(this.etcd, registry, registry, config.clusterName, config.clusterHost, time, log);
  }

  static start(config: Config, registry: RegistryReader & RegistryEvents, time: Time, log: Logger): ClusterMember | null {
    if (config.clusterName === null) return null;
    const member = new ClusterMember({ ...config, clusterName: config.clusterName }, registry, time, log);
    member.publisher.start();
    return member;
  }

  health(): Record<string, unknown> {
    return { etcd: this.etcd.status, publisher: this.publisher.health() };
  }

  async close(): Promise<void> {
    await this.publisher.close();
    this.etcd.close();
  }
}
