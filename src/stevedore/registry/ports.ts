import type { Report } from '../../common/report.js';
import type { Config } from '../config/config.js';
import type { RegistryListener } from './events.js';
import type { ContainerRef, RegistryImage, RegistryStats, ServiceView } from './records.js';

/**
 * The registry's ports: sources write through RegistryWriter, sinks read through RegistryReader
 * and subscribe to RegistryEvents, persistence goes through RegistrySnapshots. Parts outside
 * the registry see only these (eslint.config.js holds the line); daemon.ts wires the one
 * Registry that implements them all.
 */

/** What the registry takes from the configuration; a reload passes a new one. ttl and expire: the defaults of a service created by ensureService. */
export type RegistrySettings = Pick<Config, 'services' | 'maxInstances' | 'maxOutputBytes'> & Partial<Pick<Config, 'ttlMs' | 'expireMs'>>;

/** Which kind of source a result comes from: tallyman's HTTP report, checker's outside checks (docker-checks); Docker's own health checks next. */
export type ResultOrigin = 'report' | 'docker-health' | 'checker';

/** Where a result comes from, beside what it says. */
export interface ResultSource {
  origin: ResultOrigin;
  /** The address the result came from (for a check stevedore ran itself: the container's). */
  address: string;
  /** The container it is about, when stevedore follows Docker; null otherwise. */
  container: ContainerRef | null;
}

export type AcceptOutcome =
  | { accepted: true; created: boolean }
  | { accepted: false; reason: 'unknown-service' | 'instance-cap'; message: string };

/** The sources' port: results in, and what Docker says about containers. */
export interface RegistryWriter {
  /** One check result for the instance (report.service, report.hostname). */
  accept(report: Report, source: ResultSource): AcceptOutcome;
  /**
   * Creates a service the configuration does not declare, with its defaults (the global ttl and
   * expire, no cap of its own), for a source that finds services by itself (docker-checks: the
   * image's name). True when it created one; a service that exists already is left as it is.
   * A service created so stays across reloads; after a restart it is created again when found again.
   */
  ensureService(name: string): boolean;
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
  /** Declared services, in the configuration's order, then those ensureService created. */
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
   * Puts saved instances back (services must be declared; instances already there are kept),
   * then service states and counters. Returns how many instances were restored.
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
