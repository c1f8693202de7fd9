import type { Clock } from '../../common/clock.js';
import type { Report } from '../../common/report.js';
import { truncateUtf8 } from '../../common/utf8.js';
import type { Config, ServiceConfig } from '../config/config.js';
import type { RemovalCause, StateChange, StateChangeListener } from './events.js';
import type { ContainerRef, InstanceView, KeptReport, RegistryStats, ServiceView } from './records.js';
import { serviceState, verdict, type InstanceState, type ServiceState, type StateCounts } from './states.js';

/** What the registry takes from the configuration; a reload passes a new one. */
export type RegistrySettings = Pick<Config, 'services' | 'maxInstances' | 'maxOutputBytes'>;

export type AcceptOutcome =
  | { accepted: true; created: boolean }
  | { accepted: false; reason: 'unknown-service' | 'instance-cap'; message: string };

interface InstanceRecord extends InstanceView {
  report: KeptReport;
  address: string;
  receivedAt: number;
  reports: number;
  failures: number;
  consecutiveFailures: number;
  state: InstanceState;
  stateSince: number;
  container: ContainerRef | null;
}

interface ServiceRecord extends ServiceView {
  config: ServiceConfig;
  name: string;
  description: string;
  state: ServiceState;
  stateSince: number;
  lastReport: number | null;
  counts: StateCounts;
  instances: Map<string, InstanceRecord>;
}

/** Read access: the collector's JSON API, the SNMP view and the status page see only this. */
export interface RegistryReader {
  /** Declared services, in the configuration's order. */
  services(): readonly ServiceView[];
  service(name: string): ServiceView | undefined;
  stats(): RegistryStats;
  onChange(listener: StateChangeListener): () => void;
  /** Every accepted report, after the registry took it in (for copies that follow values). */
  onReport(listener: (instance: InstanceView) => void): () => void;
}

/** Write access: the collector and the daemon. */
export interface RegistryWriter {
  /** `container`: the container the report comes from, when stevedore follows Docker. */
  accept(report: Report, address: string, container?: ContainerRef | null): AcceptOutcome;
  countRejected(): void;
  reconfigure(settings: RegistrySettings): void;
  /** Applies the stale and expiry deadlines that have passed; reads do it too. */
  sweep(): void;
  /** The container died: its instances are stale now, not a ttl later. */
  containerDied(containerId: string): void;
  /** The container is gone: its instances are removed now, not an expire later. */
  containerRemoved(containerId: string): void;
  /** Instances of containers that no longer exist are removed; of those not running, stale. */
  reconcileContainers(existing: ReadonlyMap<string, { running: boolean }>): void;
}

/**
 * The one source of truth: services, their instances, states and counters. Time comes from the
 * injected clock; every read first applies the deadlines that have passed, so a read is right
 * at any moment without a timer. The daemon also sweeps on a timer so that stale and expiry
 * events are emitted when they happen, not only at the next read.
 */
export class Registry implements RegistryReader, RegistryWriter {
  private readonly byName = new Map<string, ServiceRecord>();
  private ordered: ServiceRecord[] = [];
  private settings: RegistrySettings;
  private readonly listeners = new Set<StateChangeListener>();
  private readonly reportListeners = new Set<(instance: InstanceView) => void>();
  private instanceCount = 0;
  private reportsAccepted = 0;
  private reportsRejected = 0;
  private readonly startedAt: number;
  /** No deadline falls before this: a sweep before it has nothing to do. */
  private nextDue = 0;
  /** Grows with every change to what a state file would hold. */
  private changes = 0;

  constructor(settings: RegistrySettings, private readonly clock: Clock) {
    this.settings = settings;
    this.startedAt = clock.now();
    this.reconfigure(settings);
  }

  onChange(listener: StateChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onReport(listener: (instance: InstanceView) => void): () => void {
    this.reportListeners.add(listener);
    return () => this.reportListeners.delete(listener);
  }

  services(): readonly ServiceView[] {
    this.sweep();
    return this.ordered;
  }

  service(name: string): ServiceView | undefined {
    this.sweep();
    return this.byName.get(name);
  }

  stats(): RegistryStats {
    this.sweep();
    return {
      startedAt: this.startedAt,
      reportsAccepted: this.reportsAccepted,
      reportsRejected: this.reportsRejected,
      services: this.ordered.length,
      instances: this.instanceCount,
    };
  }

  countRejected(): void {
    this.reportsRejected++;
    this.changes++;
  }

  /** A number that grows with every change: a writer compares it to know whether to save. */
  generation(): number {
    return this.changes;
  }

  accept(report: Report, address: string, container: ContainerRef | null = null): AcceptOutcome {
    const now = this.clock.now();
    this.sweepAt(now);
    const service = this.byName.get(report.service);
    if (!service) {
      this.countRejected();
      return { accepted: false, reason: 'unknown-service', message: `service '${report.service}' is not declared in the configuration` };
    }
    let instance = service.instances.get(report.hostname);
    const created = instance === undefined;
    if (!instance) {
      const cap = this.capReached(service);
      if (cap) {
        this.countRejected();
        return { accepted: false, reason: 'instance-cap', message: cap };
      }
      instance = {
        service: service.name,
        hostname: report.hostname,
        report: this.keep(report),
        address,
        receivedAt: now,
        reports: 0,
        failures: 0,
        consecutiveFailures: 0,
        state: verdict(report.exitCode, report.timedOut === true),
        stateSince: now,
        container,
      };
      service.instances.set(report.hostname, instance);
      service.counts[instance.state]++;
      this.instanceCount++;
      this.emit({ kind: 'instance', service: service.name, hostname: instance.hostname, from: null, to: instance.state, at: now, exitCode: report.exitCode, output: instance.report });
    } else {
      instance.report = this.keep(report);
      instance.address = address;
      instance.receivedAt = now;
      if (container) instance.container = container;
      this.setInstanceState(service, instance, verdict(report.exitCode, report.timedOut === true), now);
    }
    instance.reports++;
    if (instance.state === 'failing') {
      instance.failures++;
      instance.consecutiveFailures++;
    } else {
      instance.consecutiveFailures = 0;
    }
    service.lastReport = now;
    this.reportsAccepted++;
    this.changes++;
    this.updateServiceState(service, now);
    this.nextDue = Math.min(this.nextDue, now + service.config.ttlMs);
    for (const listener of this.reportListeners) listener(instance);
    return { accepted: true, created };
  }

  reconfigure(settings: RegistrySettings): void {
    const now = this.clock.now();
    this.settings = settings;
    const declared = new Set(settings.services.map((s) => s.name));
    for (const [name, service] of this.byName) {
      if (declared.has(name)) continue;
      this.byName.delete(name);
      for (const instance of [...service.instances.values()]) this.remove(service, instance, now, 'service removed');
      this.emit({ kind: 'service', service: name, from: service.state, to: null, at: now });
    }
    this.ordered = settings.services.map((config) => {
      const kept = this.byName.get(config.name);
      if (kept) {
        kept.config = config;
        kept.description = config.description;
        return kept;
      }
      const added: ServiceRecord = {
        config,
        name: config.name,
        description: config.description,
        state: 'unknown',
        stateSince: now,
        lastReport: null,
        counts: { ok: 0, failing: 0, stale: 0 },
        instances: new Map(),
      };
      this.byName.set(config.name, added);
      this.emit({ kind: 'service', service: config.name, from: null, to: 'unknown', at: now });
      return added;
    });
    // ttl and expire may have changed: look at every deadline again.
    this.nextDue = 0;
    this.sweepAt(now);
  }

  sweep(): void {
    this.sweepAt(this.clock.now());
  }

  containerDied(containerId: string): void {
    const now = this.clock.now();
    this.sweepAt(now);
    this.forContainer(containerId, (service, instance) => this.setInstanceState(service, instance, 'stale', now));
  }

  containerRemoved(containerId: string): void {
    const now = this.clock.now();
    this.sweepAt(now);
    this.forContainer(containerId, (service, instance) => this.remove(service, instance, now, 'container destroyed'));
  }

  reconcileContainers(existing: ReadonlyMap<string, { running: boolean }>): void {
    const now = this.clock.now();
    this.sweepAt(now);
    for (const service of this.ordered) {
      for (const instance of [...service.instances.values()]) {
        if (!instance.container) continue;
        const container = existing.get(instance.container.id);
        if (!container) this.remove(service, instance, now, 'container gone');
        else if (!container.running) this.setInstanceState(service, instance, 'stale', now);
      }
      this.updateServiceState(service, now);
    }
  }

  private forContainer(containerId: string, change: (service: ServiceRecord, instance: InstanceRecord) => void): void {
    for (const service of this.ordered) {
      let changed = false;
      for (const instance of [...service.instances.values()]) {
        if (instance.container?.id !== containerId) continue;
        change(service, instance);
        changed = true;
      }
      if (changed) this.updateServiceState(service, this.clock.now());
    }
  }

  private remove(service: ServiceRecord, instance: InstanceRecord, at: number, cause: RemovalCause): void {
    service.instances.delete(instance.hostname);
    service.counts[instance.state]--;
    this.instanceCount--;
    this.emit({ kind: 'instance', service: service.name, hostname: instance.hostname, from: instance.state, to: null, at, exitCode: instance.report.exitCode, output: instance.report, cause });
  }

  /** Restores instances read from a state file (see state-file.ts); services must be declared. */
  restoreInstance(saved: InstanceView): boolean {
    const service = this.byName.get(saved.service);
    if (!service || service.instances.has(saved.hostname)) return false;
    const instance: InstanceRecord = { ...saved, report: { ...saved.report }, container: saved.container ?? null };
    service.instances.set(instance.hostname, instance);
    service.counts[instance.state]++;
    service.lastReport = Math.max(service.lastReport ?? 0, instance.receivedAt);
    this.instanceCount++;
    return true;
  }

  /** After restoring: service states follow their instances; saved times are kept where true. */
  restoreServices(saved: ReadonlyMap<string, { state: ServiceState; stateSince: number }>, counters: { reportsAccepted: number; reportsRejected: number }): void {
    const now = this.clock.now();
    for (const service of this.ordered) {
      const state = serviceState(service.counts);
      const before = saved.get(service.name);
      service.state = state;
      service.stateSince = before?.state === state ? before.stateSince : now;
    }
    this.reportsAccepted = Math.max(this.reportsAccepted, counters.reportsAccepted);
    this.reportsRejected = Math.max(this.reportsRejected, counters.reportsRejected);
    this.nextDue = 0;
    this.sweepAt(now);
  }

  private sweepAt(now: number): void {
    if (now < this.nextDue) return;
    let nextDue = Infinity;
    for (const service of this.ordered) {
      const { ttlMs, expireMs } = service.config;
      let changed = false;
      for (const instance of service.instances.values()) {
        const staleAt = instance.receivedAt + ttlMs;
        if (instance.state !== 'stale' && now >= staleAt) {
          this.setInstanceState(service, instance, 'stale', staleAt);
          changed = true;
        }
        if (instance.state === 'stale') {
          // An instance restored stale, or made stale by a shorter ttl, expires from when it went stale.
          const expireAt = Math.max(instance.stateSince, staleAt) + expireMs;
          if (now >= expireAt) {
            this.remove(service, instance, expireAt, 'expired');
            changed = true;
          } else {
            nextDue = Math.min(nextDue, expireAt);
          }
        } else {
          nextDue = Math.min(nextDue, staleAt);
        }
      }
      if (changed) this.updateServiceState(service, now);
    }
    this.nextDue = nextDue;
  }

  private setInstanceState(service: ServiceRecord, instance: InstanceRecord, to: InstanceState, at: number): void {
    if (instance.state === to) return;
    const from = instance.state;
    service.counts[from]--;
    service.counts[to]++;
    instance.state = to;
    instance.stateSince = at;
    this.emit({ kind: 'instance', service: service.name, hostname: instance.hostname, from, to, at, exitCode: instance.report.exitCode, output: instance.report });
  }

  private updateServiceState(service: ServiceRecord, at: number): void {
    const to = serviceState(service.counts);
    if (to === service.state) return;
    const from = service.state;
    service.state = to;
    service.stateSince = at;
    this.emit({ kind: 'service', service: service.name, from, to, at });
  }

  private capReached(service: ServiceRecord): string | null {
    if (this.instanceCount >= this.settings.maxInstances) {
      return `max-instances (${this.settings.maxInstances}) reached: no new instances until some expire`;
    }
    const own = service.config.maxInstances;
    if (own !== null && service.instances.size >= own) {
      return `max-instances of service '${service.name}' (${own}) reached: no new instances until some expire`;
    }
    return null;
  }

  private keep(report: Report): KeptReport {
    const cap = this.settings.maxOutputBytes;
    const stdout = truncateUtf8(report.stdout ?? '', cap);
    const stderr = truncateUtf8(report.stderr ?? '', cap);
    return {
      exitCode: report.exitCode,
      signal: report.signal ?? null,
      timedOut: report.timedOut ?? false,
      stdout: stdout.text,
      stderr: stderr.text,
      truncated: (report.truncated ?? false) || stdout.truncated || stderr.truncated,
      startedAt: report.startedAt ?? null,
      durationMs: report.durationMs ?? null,
      value: report.value ?? null,
      version: report.version ?? null,
    };
  }

  private emit(change: StateChange): void {
    this.changes++;
    for (const listener of this.listeners) listener(change);
  }
}
