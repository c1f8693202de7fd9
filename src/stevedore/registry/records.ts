import type { InstanceState, ServiceState, StateCounts } from './states.js';

/** Which kind of source a result comes from: tallyman's HTTP report, Docker's own health checks (docker-health), checker's outside checks. */
export const RESULT_ORIGINS = ['report', 'docker-health', 'checker'] as const;
export type ResultOrigin = (typeof RESULT_ORIGINS)[number];

/** The sources that create the services they name when none is declared (auto-services). */
export const AUTO_ORIGINS = ['docker-health', 'checker'] as const satisfies readonly ResultOrigin[];
export type AutoOrigin = (typeof AUTO_ORIGINS)[number];

/** A report as the registry keeps it: validated at the collector, output cut to max-output. */
export interface KeptReport {
  exitCode: number;
  signal: string | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  truncated: boolean;
  /** ISO-8601 as the reporter sent it, or null. */
  startedAt: string | null;
  durationMs: number | null;
  value: unknown;
  version: string | null;
}

/** The container an instance runs in, when stevedore follows Docker (docker-socket). */
export interface ContainerRef {
  id: string;
  name: string;
  image: string;
  ipAddresses: string[];
  /** Published ports as `docker ps` shows them: 0.0.0.0:8080->80/tcp. */
  ports: string[];
}

/**
 * One container's health, as every output reads it. receivedAt and stateSince are wall times
 * (milliseconds since the epoch), for display; ages are measured on receivedMonotonic.
 */
export interface InstanceView {
  readonly service: string;
  readonly hostname: string;
  readonly report: KeptReport;
  /** The source address of the last result. */
  readonly address: string;
  /** Which kind of source sent the last result. */
  readonly origin: ResultOrigin;
  readonly receivedAt: number;
  /** When the last report arrived on the monotonic clock (Time.monotonic). */
  readonly receivedMonotonic: number;
  readonly reports: number;
  readonly failures: number;
  readonly consecutiveFailures: number;
  readonly state: InstanceState;
  readonly stateSince: number;
  /** Its container, when known; null otherwise. */
  readonly container: ContainerRef | null;
  /** Set while two or more sources report this instance (see decisions.md); null otherwise. */
  readonly conflict: InstanceConflict | null;
}

/** A hostname conflict as the outputs show it. */
export interface InstanceConflict {
  /** Every source address heard within the ttl, in the order first heard. */
  readonly addresses: readonly string[];
  /** Their containers' names, where known. */
  readonly containers: readonly string[];
  /** Wall time the conflict began. */
  readonly since: number;
}

export interface ServiceView {
  readonly name: string;
  readonly description: string;
  readonly state: ServiceState;
  readonly stateSince: number;
  /** When the last report for any of its instances arrived (wall time); null if never. */
  readonly lastReport: number | null;
  readonly counts: Readonly<StateCounts>;
  /** Its instances, in the order they first reported. */
  readonly instances: ReadonlyMap<string, InstanceView>;
}

/** An instance as a state file holds it: wall times only; a conflict is not kept. */
export type SavedInstance = Omit<InstanceView, 'receivedMonotonic' | 'conflict'>;

/** A service as a state file holds it. */
export interface SavedService {
  name: string;
  state: ServiceState;
  /** Wall time. */
  stateSince: number;
  /** The source that created it (auto-services); null for a declared service. */
  automatic: AutoOrigin | null;
  instances: SavedInstance[];
}

/** The registry as plain data, for the state file: the snapshot port's currency. */
export interface RegistryImage {
  /** Wall time the image was taken. */
  savedAt: number;
  reportsAccepted: number;
  reportsRejected: number;
  services: SavedService[];
}

export interface RegistryStats {
  /** Wall time, for display. */
  startedAt: number;
  /** Monotonic, for the uptime. */
  startedMonotonic: number;
  reportsAccepted: number;
  reportsRejected: number;
  services: number;
  instances: number;
}
