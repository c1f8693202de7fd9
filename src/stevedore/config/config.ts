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
  snmpCommunity: string;
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
  /** Open connections per listen address; more are closed at once. [512] */
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
  /** Check containers from outside as checker's listener does (needs docker-socket). [no] */
  dockerChecks: boolean;
  /** etcd to publish ok instances in; empty: off. [none] */
  etcdEndpoints: HostPort[];
  /** The key prefix: PREFIX/SERVICE/INSTANCE. [/SERVICE] */
  etcdPrefix: string;
  /** The TTL of stevedore's lease in etcd, in whole seconds. [10s] */
  etcdTtlSeconds: number;
  /** Every file read, the main one first (includes after it). */
  files: string[];
}
