import { formatHostPort } from '../../../common/host-port.js';
import type { Time } from '../../../common/time.js';
import { defaultRouteAddress } from '../../../checker/host-address.js';
import { describeContainer } from '../../../docker/container-description.js';
import { EngineApi } from '../../../docker/engine-api.js';
import type { Config } from '../../config/config.js';
import type { EtcdConnection, EtcdConnectionStatus } from '../../etcd-connection.js';
import type { Logger } from '../../logging/logger.js';
import type { RegistryEvents, RegistryReader } from '../../registry/ports.js';
import { EtcdSink, type EtcdSinkHealth } from './etcd-sink.js';

export interface RunningEtcdSink {
  /** The sink's health, and its connection's reachability (as the cluster's health shows it). */
  health(): EtcdSinkHealth & { connection: EtcdConnectionStatus };
  /** Revokes the lease: the keys are gone at once. */
  stop(): Promise<void>;
}

/**
 * The etcd sink for a configuration with etcd-endpoints (null without), on stevedore's etcd
 * connection, with Docker's description of containers when docker-socket is given: ports
 * published on 0.0.0.0 or :: shown at the address of the default route's interface, as checker does.
 */
export function startEtcdSink(config: Config, etcd: EtcdConnection | null, registry: RegistryReader & RegistryEvents, log: Logger, time: Time): RunningEtcdSink | null {
  if (etcd === null) return null;
  const engine = config.dockerSocket === null ? null : new EngineApi(config.dockerSocket);
  const hostIp = defaultRouteAddress() ?? '';
  const sink = new EtcdSink({
    etcd: etcd.client,
    connection: etcd,
    endpoints: config.etcdEndpoints.map(formatHostPort),
    prefix: config.etcdPrefix,
    ttlSeconds: config.etcdTtlSeconds,
    registry,
    describe: async (containerId) => {
      const inspect = engine === null ? null : await engine.inspectContainer(containerId);
      return inspect === null ? null : describeContainer(inspect, hostIp);
    },
    time,
    log,
  });
  sink.start();
  return {
    health: () => ({ ...sink.health(), connection: etcd.status }),
    stop: () => sink.stop(),
  };
}
