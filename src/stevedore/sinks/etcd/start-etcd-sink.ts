import { formatHostPort } from '../../../common/host-port.js';
import type { Time } from '../../../common/time.js';
import { defaultRouteAddress } from '../../../checker/host-address.js';
import { describeContainer } from '../../../docker/container-description.js';
import { EngineApi } from '../../../docker/engine-api.js';
import { EtcdClient } from '../../../etcd/client.js';
import type { Config } from '../../config/config.js';
import type { Logger } from '../../logging/logger.js';
import type { RegistryEvents, RegistryReader } from '../../registry/ports.js';
import { EtcdSink, type EtcdSinkHealth } from './etcd-sink.js';

export interface RunningEtcdSink {
  health(): EtcdSinkHealth;
  /** Revokes the lease (keys gone at once) and closes the connections. */
  stop(): Promise<void>;
}

/**
 * The etcd sink for a configuration with etcd-endpoints (null without): its own etcd client,
 * and Docker's description of containers when docker-socket is given, with ports published on
 * 0.0.0.0 or :: shown at the address of the default route's interface, as checker does.
 */
export function startEtcdSink(config: Config, registry: RegistryReader & RegistryEvents, log: Logger, time: Time): RunningEtcdSink | null {
  if (config.etcdEndpoints.length === 0) return null;
  const etcd = new EtcdClient(config.etcdEndpoints);
  const engine = config.dockerSocket === null ? null : new EngineApi(config.dockerSocket);
  const hostIp = defaultRouteAddress() ?? '';
  const sink = new EtcdSink({
    etcd,
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
    health: () => sink.health(),
    async stop() {
      await sink.stop();
      etcd.close();
    },
  };
}
