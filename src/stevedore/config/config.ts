/**
 * The typed configuration stevedore runs on: what /etc/stevedore.conf says, validated, with
 * every default filled in. Built by interpret.ts from the parsed statements; nothing else in
 * stevedore reads the file.
 */
import type { HostPort } from '../../common/host-port.js';

/** Where a statement stands, for messages: FILE:LINE:COL. */
export interface SourceLocation {
  file: string;
  line: number;
  col: number;
}

export interface ServiceConfig {
  name: string;
  description: string;
  /** No report for this long: the instance turns stale. */
  ttlMs: number;
  /** Stale for this long: the instance is removed. */
  expireMs: number;
  /** Cap on this service's instances; null: only the global max-instances applies. */
  maxInstances: number | null;
  declaredAt: SourceLocation;
}

export type { HostPort };

export type AgentxAddress = { kind: 'unix'; path: string } | { kind: 'tcp'; host: string; port: number };

/** An address block of allow/deny, e.g. 10.0.0.0/8 or fd00::/8. */
export interface Cidr {
  family: 4 | 6;
  /** The network address as written, normalised. */
  address: string;
  prefix: number;
  /** As the operator wrote it, for messages. */
  text: string;
}

/** Reports per second from one source address: sustained, and how many may come at once. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

/** `snmp-user NAME { auth PROTOCOL PASSWORD; priv PROTOCOL PASSWORD; }`: both optional, priv needs auth. */
export interface SnmpUserConfig {
  name: string;
  auth: { protocol: 'sha' | 'sha256' | 'sha512'; password: string } | null;
  priv: { protocol: 'aes' | 'aes256'; password: string } | null;
  declaredAt: SourceLocation;
}

/** A notification receiver: SNMPv2c with a community (null: snmp-community, else public), or SNMPv3 as a user. */
export type TrapSink = ({ community: string | null } | { user: string }) & { address: HostPort; declaredAt: SourceLocation };

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export interface Config {
  /** In the order declared; at least one. */
  services: ServiceConfig[];
  /** Collector listeners. [0.0.0.0:8990] */
  listen: HostPort[];
  /** The snmpd AgentX master; null for `agentx-socket none`. [unix /var/agentx/master] */
  agentxSocket: AgentxAddress | null;
  agentxPingIntervalMs: number;
  /** The embedded SNMP agent's UDP address; null: off. */
  snmpListen: HostPort | null;
  /** The embedded agent's SNMPv1/v2c community; null for `snmp-community none` (v3 only). [public] */
  snmpCommunity: string | null;
  /** sysContact and sysLocation of the embedded agent (RFC 3418). [empty] */
  snmpContact: string;
  snmpLocation: string;
  /** SNMPv3 users of the embedded agent (snmp-user blocks), in the order declared. */
  snmpUsers: SnmpUserConfig[];
  /** Where the embedded agent sends its notifications (snmp-trap-sink, repeatable). */
  snmpTrapSinks: TrapSink[];
  ttlMs: number;
  expireMs: number;
  /** Bytes kept per output stream of a report. */
  maxOutputBytes: number;
  /** Across all services. */
  maxInstances: number;
  /** Who may send reports. Default allow: loopback and private ranges; deny: none. */
  allow: Cidr[];
  deny: Cidr[];
  /** Reports must carry `Authorization: Bearer TOKEN`; null: no token needed. */
  token: string | null;
  /** Per source address; null: `rate-limit off`. [50 200] */
  rateLimit: RateLimit | null;
  /** Read listeners (JSON API, /metrics, /v1/events, the status page); empty for `http-listen none`. [127.0.0.1:8991] */
  httpListen: HostPort[];
  /** Who may read. [loopback] */
  httpAllow: Cidr[];
  /** More names the read listener answers to without a token (DNS rebinding), lower-cased. [none] */
  httpHosts: string[];
  /** Reads must carry `Authorization: Bearer TOKEN`; null: no token needed. */
  httpToken: string | null;
  /** Open connections per listen and http-listen address, from allowed sources only; more are closed at once. [512] */
  maxConnections: number;
  stateFile: string | null;
  pidfile: string | null;
  user: string | null;
  group: string | null;
  logLevel: LogLevel;
  syslog: boolean;
  syslogFacility: string;
  syslogTag: string;
  /** The Docker Engine API socket to follow containers through; null: off (reports alone). */
  dockerSocket: string | null;
  /** A report is accepted only from an address of the container it names. [yes with docker-socket] */
  verifySource: boolean;
  /** Containers with a Docker HEALTHCHECK are instances, fed by Docker's results. [yes with docker-socket] */
  dockerHealth: boolean;
  /** Services that containers name and the configuration does not declare are created with the defaults. [yes] */
  autoServices: boolean;
  /** Check containers from outside as checker's listener does (needs docker-socket). [no] */
  dockerChecks: boolean;
  /** etcd to publish ok instances in; empty: off. [none] */
  etcdEndpoints: HostPort[];
  /** The key prefix: PREFIX/SERVICE/INSTANCE. [/SERVICE] */
  etcdPrefix: string;
  /** The TTL of stevedore's lease in etcd, in whole seconds. [10s] */
  etcdTtlSeconds: number;
  /** The cluster this stevedore publishes its registry to (under /tallyman/v1/NAME/); null: none. */
  clusterName: string | null;
  /** This stevedore's name in the cluster. [the host's name] */
  clusterHost: string;
  /** Serve every host's instances (GET /v1/cluster...), not only this host's. [no] */
  clusterView: boolean;
  /** Every file read, the main one first (includes after it). */
  files: string[];
  /**
   * Where each top-level statement was given, by name, in the order given (a repeatable one's
   * i-th value comes from its i-th statement); absent: the value is the default. For messages
   * about a value, as a port that cannot be bound (declared-at.ts).
   */
  statementsAt: Record<string, SourceLocation[]>;
}
