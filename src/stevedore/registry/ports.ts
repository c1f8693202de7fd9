import type { Report } from '../../common/report.js';
import type { Config } from '../config/config.js';
import type { RegistryListener } from './events.js';
import type { AutoOrigin, ContainerRef, RegistryImage, RegistryStats, ResultOrigin, ServiceView } from './records.js';
import type { FreshState } from './states.js';

/**
 * The registry's ports: sources write through RegistryWriter, sinks read through RegistryReader
 * and subscribe to RegistryEvents, persistence goes through RegistrySnapshots. Parts outside
 * the registry see only these (eslint.config.js holds the line); daemon.ts wires the one
 * Registry that implements them all.
 */

/**
 * What the registry takes from the configuration; a reload passes a new one. Without
 * autoServices (or with it false) ensureService creates nothing; ttlMs and expireMs are the
 * defaults an automatic service gets. dockerHealth and dockerChecks say which sources are on
 * (absent: off): rows from a source that is off are removed at a reload and not restored.
 */
export type RegistrySettings = Pick<Config, 'services' | 'maxInstances' | 'maxOutputBytes'> &
  Partial<Pick<Config, 'ttlMs' | 'expireMs' | 'autoServices' | 'dockerHealth' | 'dockerChecks'>>;

/** Where a result comes from, beside what it says. */
export interface ResultSource {
  origin: ResultOrigin;
  /** The address the result came from (for a check stevedore ran itself: the container's). */
  address: string;
  /** The container it is about, when stevedore follows Docker; null otherwise. */
  container: ContainerRef | null;
  /**
   * The source's own verdict, for a source that judges by more than the exit code (Docker's
   * health status: a failed probe within --retries is still healthy, and the start period is
   * starting), with its count of failures in a row. Absent: the exit code decides (verdict()).
   */
  verdict?: { state: FreshState; consecutiveFailures: number };
}

export type AcceptOutcome =
  | { accepted: true; created: boolean }
  | { accepted: false; reason: 'unknown-service' | 'instance-cap'; message: string };

/** The sources' port: results in, and what Docker says about containers. */
export interface RegistryWriter {
  /** One check result for the instance (report.service, report.hostname). */
  accept(report: Report, source: ResultSource): AcceptOutcome;
  /**
   * Makes sure service `name` exists, creating it with the default ttl and expire when it is
   * not declared (an automatic service made by `origin`: kept while it has instances, across
   * reloads too, restored from the state file while that source is on, and removed with its
   * last instance). False when the configuration says `auto-services no` and the service is
   * not declared.
   */
  ensureService(name: string, origin: AutoOrigin): boolean;
  /** Counts a refused result: the collector calls it once per refusal; accept() never does. */
  countRejected(): void;
  /** The container died: its instances are stale now, not a ttl later. */
  containerDied(containerId: string): void;
  /** The container is gone: its instances are removed now, not an expire later. */
  containerRemoved(containerId: string): void;
  /** Instances of containers that no longer exist are removed; of those not running, stale. */
  reconcileContainers(existing: ReadonlyMap<string, { running: boolean }>): void;
}

/** The sinks' read port: what the registry holds now. A read changes nothing and emits nothing. */
export interface RegistryReader {
  /** Declared services, in the configuration's order. */
  services(): readonly ServiceView[];
  service(name: string): ServiceView | undefined;
  stats(): RegistryStats;
}

/** The one stream of events (events.ts). */
export interface RegistryEvents {
  /** Returns the function that unsubscribes. */
  subscribe(listener: RegistryListener): () => void;
}

/** The persistence port: the registry as plain data with wall times, and back. */
export interface RegistrySnapshots {
  /** A consistent copy of everything a state file holds, taken at once. */
  snapshot(): RegistryImage;
  /**
   * Puts saved instances back (into declared services, and automatic ones while auto-services
   * is yes and the source that made them is on; not those of a source that is off; instances
   * already there are kept), then service states and counters. Returns how many instances
   * were restored.
   */
  restore(image: RegistryImage): number;
  /** A number that grows with every change: a writer compares it to know whether to save. */
  generation(): number;
}

/** What the daemon does with the registry beyond the ports: reloads, and the sweeper's tick. */
export interface RegistryControl {
  reconfigure(settings: RegistrySettings): void;
  /** Applies the stale and expiry deadlines that have passed, emitting their events. */
  sweep(): void;
}
