import { formatHostPort } from '../common/host-port.js';
import { countNoun } from '../common/count-noun.js';
import { VERSION } from '../common/version.js';
import type { Config } from './config/config.js';
import type { Logger } from './logging/logger.js';

/** One thing stevedore listens on or connects to, as the start-up log names it. */
export interface Endpoint {
  endpoint: string;
  /** Where, as the configuration gives it; null: off. */
  address: string | null;
  /** What it is for, or how to turn it on when off. */
  about: string;
}

/**
 * Every endpoint, in the order of the start-up log: where reports arrive, where the NMS asks,
 * what stevedore follows. A new listener or client is one more line here.
 */
export function endpoints(config: Config): Endpoint[] {
  const agentx = config.agentxSocket;
  return [
    { endpoint: 'collector', address: config.listen.map(formatHostPort).join(', '), about: 'tallyman reports: POST /v1/report' },
    {
      endpoint: 'read listener',
      address: config.httpListen.length > 0 ? config.httpListen.map(formatHostPort).join(', ') : null,
      about: config.httpListen.length > 0 ? 'the status page (GET /), the JSON API, /metrics, /v1/events' : 'http-listen turns it on',
    },
    {
      endpoint: 'embedded SNMP agent',
      address: config.snmpListen && `udp:${formatHostPort(config.snmpListen)}`,
      about: config.snmpListen ? 'TALLYMAN-MIB for the NMS' : 'snmp-listen turns it on',
    },
    {
      endpoint: 'AgentX master agent',
      address: agentx && (agentx.kind === 'unix' ? `unix:${agentx.path}` : `tcp:${formatHostPort(agentx)}`),
      about: agentx ? "snmpd, serving TALLYMAN-MIB for stevedore" : 'agentx-socket turns it on',
    },
    {
      endpoint: 'Docker',
      address: config.dockerSocket && `unix:${config.dockerSocket}`,
      about: config.dockerSocket ? 'followed for container events' : 'docker-socket turns it on',
    },
    {
      endpoint: 'etcd',
      address: config.etcdEndpoints.length > 0 ? config.etcdEndpoints.map(formatHostPort).join(', ') : null,
      about: config.etcdEndpoints.length > 0 ? `ok instances published under ${config.etcdPrefix}` : 'etcd-endpoints turns it on',
    },
    {
      endpoint: 'cluster',
      address: config.clusterName === null ? null : `${config.clusterName} as ${config.clusterHost}${config.clusterView ? ', with the view of every host' : ''}`,
      about: config.clusterName === null ? 'cluster-name turns it on' : 'this registry shared through etcd',
    },
  ];
}

/** The start-up lines: the version, then one line per endpoint (on or off). */
export function logEndpoints(log: Logger, config: Config): void {
  log.info({ version: VERSION, services: config.services.length, files: config.files }, `stevedore ${VERSION} serving ${countNoun(config.services.length, 'service')} from ${config.files[0]}`);
  for (const { endpoint, address, about } of endpoints(config)) {
    log.info({ endpoint, address }, `${endpoint}: ${address ?? 'off'} (${about})`);
  }
}
