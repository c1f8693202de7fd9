import type { Report } from '../../common/report.js';
import { wallAt, type Time } from '../../common/time.js';
import { truncateUtf8 } from '../../common/utf8.js';
import type { ServiceConfig } from '../config/config.js';
import { Conflict, sameSource, type SourceResult } from './conflicts.js';
import type { RegistryEvent, RegistryListener, RemovalCause } from './events.js';
import type { AcceptOutcome, RegistryControl, RegistryEvents, RegistryReader, RegistrySettings, RegistrySnapshots, RegistryWriter, ResultSource } from './ports.js';
import { replacedBy, sourceOn } from './origins.js';
import { AUTO_ORIGINS, type AutoOrigin, type ContainerRef, type InstanceView, type KeptReport, type RegistryImage, type RegistryStats, type ResultOrigin, type SavedInstance, type SavedService, type ServiceView } from './records.js';
import { noCounts, serviceState, verdict, type InstanceState, type ServiceState, type StateCounts } from './states.js';

interface InstanceRecord extends InstanceView {
  report: KeptReport;
  address: string;
  origin: ResultOrigin;
  receivedAt: number;
  receivedMonotonic: number;
  reports: number;
  failures: number;
  consecutiveFailures: number;
  state: InstanceState;
  stateSince: number;
  /** stateSince on the monotonic clock: expiry counts from it. */
  stateSinceMonotonic: number;
  container: ContainerRef | null;
  conflict: Conflict | null;
}

/**
 * Every instance record is made here, its fields always in this order, so that all share one
 * hidden class. A record spread from a state file's entry got a shape of its own per instance,
 * and every read of them (a MIB walk reads 17 columns of each) went through V8's slow lookup.
 */
function instanceRecord(r: InstanceRecord): InstanceRecord {
  return {
    service: r.service,
    hostname: r.hostname,
    report: r.report,
    address: r.address,
    origin: r.origin,
    receivedAt: r.receivedAt,
    receivedMonotonic: r.receivedMonotonic,
    reports: r.reports,
    failures: r.failures,
    consecutiveFailures: r.consecutiveFailures,
    state: r.state,
    stateSince: r.stateSince,
    stateSinceMonotonic: r.stateSinceMonotonic,
    container: r.container,
    conflict: r.conflict,
  };
}

interface ServiceRecord extends ServiceView {
  config: ServiceConfig;
  /** The source that created it (ensureService), removed with its last instance; null when declared. */
  automatic: AutoOrigin | null;
  name: string;
  description: string;
  state: ServiceState;
  stateSince: number;
  lastReport: number | null;
  counts: StateCounts;
  instances: Map<string, InstanceRecord>;
}

/**
 * The one source of truth: services, their instances, states and counters, behind its ports
 * (ports.ts). Deadlines (ttl, expire) run on the injected Time's monotonic clock, so a step of
 * the system clock changes no state; wall time is kept only for the times shown (receivedAt,
 * stateSince, lastReport). Writes apply the deadlines that have passed before they act; the
 * Sweeper applies them on a timer. Reads change nothing: a read may be up to one sweep late,
 * and no read emits an event.
 */
export class Registry implements RegistryReader, RegistryWriter, RegistryEvents, RegistrySnapshots, RegistryControl {
  private readonly byName = new Map<string, ServiceRecord>();
  private ordered: ServiceRecord[] = [];
  private settings: RegistrySettings;
  private readonly listeners = new Set<RegistryListener>();
  private instanceCount = 0;
  private reportsAccepted = 0;
  private reportsRejected = 0;
  private readonly startedAt: number;
  private readonly startedMonotonic: number;
  /** No deadline falls before this: a sweep before it has nothing to do. */
  private nextDue = 0;
  /** Grows with every change to what a state file would hold. */
  private changes = 0;

  constructor(settings: RegistrySettings, private readonly time: Time) {
    this.settings = settings;
    this.startedAt = time.wall();
    this.startedMonotonic = time.monotonic();
    this.reconfigure(settings);
  }

  subscribe(listener: RegistryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  services(): readonly ServiceView[] {
    return this.ordered;
  }

  service(name: string): ServiceView | undefined {
    return this.byName.get(name);
  }

  stats(): RegistryStats {
    return {
      startedAt: this.startedAt,
      startedMonotonic: this.startedMonotonic,
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

  generation(): number {
    return this.changes;
  }

  accept(report: Report, source: ResultSource): AcceptOutcome {
    const now = this.time.monotonic();
    const wall = this.time.wall();
    this.sweepAt(now);
    const service = this.byName.get(report.service);
    if (!service) {
      return { accepted: false, reason: 'unknown-service', message: `service '${report.service}' is not declared in the configuration` };
    }
    const own = source.verdict?.state ?? verdict(report.exitCode, report.timedOut === true);
    let instance = service.instances.get(report.hostname);
    const created = instance === undefined;
    const before = instance && { origin: instance.origin, containerId: instance.container?.id };
    if (!instance) {
      const cap = this.capReached(service);
      if (cap) {
        this.updateServiceState(service, now);
        return { accepted: false, reason: 'instance-cap', message: cap };
      }
      instance = instanceRecord({
        service: service.name,
        hostname: report.hostname,
        report: this.keep(report),
        address: source.address,
        origin: source.origin,
        receivedAt: wall,
        receivedMonotonic: now,
        reports: 0,
        failures: 0,
        consecutiveFailures: 0,
        state: own,
        stateSince: wall,
        stateSinceMonotonic: now,
        container: source.container,
        conflict: null,
      });
      service.instances.set(report.hostname, instance);
      service.counts[instance.state]++;
      this.instanceCount++;
      this.emit({ kind: 'instance', service: service.name, hostname: instance.hostname, from: null, to: instance.state, at: wall, exitCode: report.exitCode, output: instance.report });
    } else {
      const state = this.trackSources(service, instance, source, own, now, wall);
      instance.report = this.keep(report);
      instance.address = source.address;
      instance.origin = source.origin;
      instance.receivedAt = wall;
      instance.receivedMonotonic = now;
      if (source.container) instance.container = source.container;
      this.setInstanceState(service, instance, state, now);
    }
    instance.reports++;
    if (source.verdict) {
      if (report.exitCode !== 0 || report.timedOut === true) instance.failures++;
      instance.consecutiveFailures = source.verdict.consecutiveFailures;
    } else if (own === 'failing') {
      instance.failures++;
      instance.consecutiveFailures++;
    } else {
      instance.consecutiveFailures = 0;
    }
    service.lastReport = wall;
    this.reportsAccepted++;
    this.changes++;
    // Looked for only when this row first speaks for its container from this source.
    if (source.container && (before?.origin !== source.origin || before.containerId !== source.container.id)) this.replaceRows(instance, source.container.id, now);
    this.updateServiceState(service, now);
    this.nextDue = Math.min(this.nextDue, now + service.config.ttlMs);
    this.reported(service.name, instance.hostname);
    return { accepted: true, created };
  }

  /**
   * Follows the sources of an instance's results, and returns the state the new result gives
   * it: its own verdict, or while sources conflict, the worst of theirs (conflicts.ts).
   */
  private trackSources(service: ServiceRecord, instance: InstanceRecord, source: ResultSource, own: InstanceState, now: number, wall: number): InstanceState {
    const ttlMs = service.config.ttlMs;
    const sameAsLast = sameSource(source.address, source.container?.id ?? null, instance.address, instance.container?.id ?? null);
    // The common case, one source (or the last other one silent for the ttl): nothing to follow.
    if (instance.conflict === null && (sameAsLast || now - instance.receivedMonotonic >= ttlMs)) return own;
    const next: SourceResult = { address: source.address, containerId: source.container?.id ?? null, containerName: source.container?.name ?? null, verdict: own, at: now, wall };
    if (instance.conflict === null) {
      const last: SourceResult = {
        address: instance.address,
        containerId: instance.container?.id ?? null,
        containerName: instance.container?.name ?? null,
        verdict: instance.state === 'stale' ? verdict(instance.report.exitCode, instance.report.timedOut) : instance.state,
        at: instance.receivedMonotonic,
        wall: instance.receivedAt,
      };
      instance.conflict = Conflict.begin(last, next);
    } else if (!instance.conflict.record(next, ttlMs)) {
      const since = instance.conflict.since;
      instance.conflict = null;
      this.emit({ kind: 'conflict-ended', service: service.name, hostname: instance.hostname, source: { address: next.address, container: next.containerName, lastSeen: next.wall }, since });
      return next.verdict;
    }
    const conflict = instance.conflict;
    if (conflict.announce(next.at)) {
      this.emit({ kind: 'conflict', service: service.name, hostname: instance.hostname, sources: conflict.described(), since: conflict.since });
    }
    return conflict.verdict();
  }

  /**
   * The rows of other sources that `instance` (just accepted) replaces for its container
   * (origins.ts: replacedBy) are removed.
   */
  private replaceRows(instance: InstanceRecord, containerId: string, now: number): void {
    const replaced = replacedBy(instance.origin);
    if (replaced.length === 0) return;
    this.forContainer(containerId, now, (service, other) => {
      if (other !== instance && replaced.includes(other.origin)) this.remove(service, other, now, 'replaced');
    });
  }

  reconfigure(settings: RegistrySettings): void {
    const now = this.time.monotonic();
    const wall = this.time.wall();
    this.settings = settings;
    const fed = this.removeSourcesOff(now);
    const declared = new Set(settings.services.map((s) => s.name));
    const kept: ServiceRecord[] = [];
    for (const [name, service] of this.byName) {
      if (declared.has(name)) continue;
      // An automatic service stays while it has instances, with the defaults of the new configuration.
      if (service.automatic !== null && settings.autoServices === true && service.instances.size > 0) {
        service.config = this.defaults(name);
        service.automatic = this.maker(service, service.automatic);
        kept.push(service);
        continue;
      }
      this.byName.delete(name);
      for (const instance of [...service.instances.values()]) this.remove(service, instance, now, 'service removed');
      this.emit({ kind: 'service', service: name, from: service.state, to: null, at: wall });
    }
    const declaredRecords = settings.services.map((config) => {
      const existing = this.byName.get(config.name);
      if (existing) {
        existing.config = config;
        existing.description = config.description;
        existing.automatic = null;
        return existing;
      }
      return this.add(config, null, wall);
    });
    this.ordered = [...declaredRecords, ...kept];
    for (const service of fed) if (this.byName.get(service.name) === service) this.updateServiceState(service, now);
    // ttl and expire may have changed: look at every deadline again.
    this.nextDue = 0;
    this.sweep();
  }

  /** Rows whose source the settings turn off are removed at once; returns the services that had them. */
  private removeSourcesOff(now: number): Set<ServiceRecord> {
    const changed = new Set<ServiceRecord>();
    for (const service of this.byName.values()) {
      for (const instance of [...service.instances.values()]) {
        if (sourceOn(this.settings, instance.origin)) continue;
        this.remove(service, instance, now, 'source off');
        changed.add(service);
      }
    }
    return changed;
  }

  /**
   * The source an automatic service is restored for: its maker while that is on, else the
   * source of one of its rows that can make services (it is kept for that one's rows).
   */
  private maker(service: ServiceRecord, made: AutoOrigin): AutoOrigin {
    if (sourceOn(this.settings, made)) return made;
    for (const instance of service.instances.values()) {
      const origin = AUTO_ORIGINS.find((o) => o === instance.origin);
      if (origin !== undefined) return origin;
    }
    return made;
  }

  ensureService(name: string, origin: AutoOrigin): boolean {
    if (this.byName.has(name)) return true;
    if (this.settings.autoServices !== true) return false;
    this.ordered = [...this.ordered, this.add(this.defaults(name), origin, this.time.wall())];
    return true;
  }

  /** An automatic service's settings: the global ttl and expire, no cap of its own. */
  private defaults(name: string): ServiceConfig {
    return { name, description: '', ttlMs: this.settings.ttlMs ?? 0, expireMs: this.settings.expireMs ?? 0, maxInstances: null, declaredAt: { file: '', line: 0, col: 0 } };
  }

  private add(config: ServiceConfig, automatic: AutoOrigin | null, wall: number): ServiceRecord {
    const added: ServiceRecord = {
      config,
      automatic,
      name: config.name,
      description: config.description,
      state: 'unknown',
      stateSince: wall,
      lastReport: null,
      counts: noCounts(),
      instances: new Map(),
    };
    this.byName.set(config.name, added);
    this.emit({ kind: 'service', service: config.name, from: null, to: 'unknown', at: wall });
    return added;
  }

  sweep(): void {
    this.sweepAt(this.time.monotonic());
  }

  containerDied(containerId: string): void {
    const now = this.time.monotonic();
    this.sweepAt(now);
    this.forContainer(containerId, now, (service, instance) => this.setInstanceState(service, instance, 'stale', now));
  }

  containerRemoved(containerId: string): void {
    const now = this.time.monotonic();
    this.sweepAt(now);
    this.forContainer(containerId, now, (service, instance) => this.remove(service, instance, now, 'container destroyed'));
  }

  reconcileContainers(existing: ReadonlyMap<string, { running: boolean }>): void {
    const now = this.time.monotonic();
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

  snapshot(): RegistryImage {
    return {
      savedAt: this.time.wall(),
      reportsAccepted: this.reportsAccepted,
      reportsRejected: this.reportsRejected,
      services: this.ordered.map((s) => ({
        name: s.name,
        state: s.state,
        stateSince: s.stateSince,
        automatic: s.automatic,
        instances: [...s.instances.values()].map((i) => ({
          service: i.service,
          hostname: i.hostname,
          report: i.report,
          address: i.address,
          origin: i.origin,
          receivedAt: i.receivedAt,
          reports: i.reports,
          failures: i.failures,
          consecutiveFailures: i.consecutiveFailures,
          state: i.state,
          stateSince: i.stateSince,
          container: i.container,
        })),
      })),
    };
  }

  /**
   * Saved times are wall times (the file outlives reboots); each is placed on the monotonic
   * clock at the same distance from now, and one in the future is taken as now: a file cannot
   * keep an instance ok past its ttl.
   */
  restore(image: RegistryImage): number {
    let restored = 0;
    for (const saved of image.services) {
      this.restoreAutomatic(saved);
      for (const instance of saved.instances) if (this.restoreInstance(instance)) restored++;
    }
    // An automatic service none of whose rows came back is not kept.
    for (const service of this.ordered) if (service.automatic !== null && service.instances.size === 0) this.retire(service, this.time.monotonic());
    for (const service of this.ordered) {
      const state = serviceState(service.counts);
      const before = image.services.find((s) => s.name === service.name);
      service.state = state;
      service.stateSince = before?.state === state ? this.onMonotonic(before.stateSince).wall : this.time.wall();
    }
    this.reportsAccepted = Math.max(this.reportsAccepted, image.reportsAccepted);
    this.reportsRejected = Math.max(this.reportsRejected, image.reportsRejected);
    this.nextDue = 0;
    this.sweep();
    return restored;
  }

  /** A saved automatic service comes back while auto-services is yes and the source that made it is on. */
  private restoreAutomatic(saved: SavedService): void {
    if (saved.automatic === null || this.byName.has(saved.name)) return;
    if (this.settings.autoServices !== true || !sourceOn(this.settings, saved.automatic)) return;
    this.ordered = [...this.ordered, this.add(this.defaults(saved.name), saved.automatic, this.time.wall())];
  }

  private restoreInstance(saved: SavedInstance): boolean {
    const service = this.byName.get(saved.service);
    if (!service || service.instances.has(saved.hostname) || !sourceOn(this.settings, saved.origin) || this.capReached(service) !== null) return false;
    const receivedAt = this.onMonotonic(saved.receivedAt);
    const stateSince = this.onMonotonic(saved.stateSince);
    const instance = instanceRecord({
      ...saved,
      report: this.keep(saved.report),
      container: saved.container ?? null,
      receivedAt: receivedAt.wall,
      receivedMonotonic: receivedAt.monotonic,
      stateSince: stateSince.wall,
      stateSinceMonotonic: stateSince.monotonic,
      conflict: null,
    });
    service.instances.set(instance.hostname, instance);
    service.counts[instance.state]++;
    service.lastReport = Math.max(service.lastReport ?? 0, instance.receivedAt);
    this.instanceCount++;
    return true;
  }

  /** A saved wall time, no later than now, and the monotonic instant as far from now. */
  private onMonotonic(wall: number): { wall: number; monotonic: number } {
    const nowWall = this.time.wall();
    const at = Math.min(wall, nowWall);
    return { wall: at, monotonic: this.time.monotonic() - (nowWall - at) };
  }

  private forContainer(containerId: string, now: number, change: (service: ServiceRecord, instance: InstanceRecord) => void): void {
    for (const service of this.ordered) {
      let changed = false;
      for (const instance of [...service.instances.values()]) {
        if (instance.container?.id !== containerId) continue;
        change(service, instance);
        changed = true;
      }
      if (changed) this.updateServiceState(service, now);
    }
  }

  private remove(service: ServiceRecord, instance: InstanceRecord, at: number, cause: RemovalCause): void {
    service.instances.delete(instance.hostname);
    service.counts[instance.state]--;
    this.instanceCount--;
    this.emit({ kind: 'instance', service: service.name, hostname: instance.hostname, from: instance.state, to: null, at: wallAt(this.time, at), exitCode: instance.report.exitCode, output: instance.report, cause });
  }

  private sweepAt(now: number): void {
    if (now < this.nextDue) return;
    let nextDue = Infinity;
    for (const service of this.ordered) {
      const { ttlMs, expireMs } = service.config;
      let changed = false;
      for (const instance of service.instances.values()) {
        const staleAt = instance.receivedMonotonic + ttlMs;
        if (instance.state !== 'stale' && now >= staleAt) {
          this.setInstanceState(service, instance, 'stale', staleAt);
          changed = true;
        }
        if (instance.state === 'stale') {
          // An instance restored stale, or made stale by a shorter ttl, expires from when it went stale.
          const expireAt = Math.max(instance.stateSinceMonotonic, staleAt) + expireMs;
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

  /** `at`: the monotonic instant of the change. */
  private setInstanceState(service: ServiceRecord, instance: InstanceRecord, to: InstanceState, at: number): void {
    if (instance.state === to) return;
    const from = instance.state;
    service.counts[from]--;
    service.counts[to]++;
    instance.state = to;
    instance.stateSince = wallAt(this.time, at);
    instance.stateSinceMonotonic = at;
    this.emit({ kind: 'instance', service: service.name, hostname: instance.hostname, from, to, at: instance.stateSince, exitCode: instance.report.exitCode, output: instance.report });
  }

  private updateServiceState(service: ServiceRecord, at: number): void {
    if (service.automatic !== null && service.instances.size === 0) {
      this.retire(service, at);
      return;
    }
    const to = serviceState(service.counts);
    if (to === service.state) return;
    const from = service.state;
    service.state = to;
    service.stateSince = wallAt(this.time, at);
    this.emit({ kind: 'service', service: service.name, from, to, at: service.stateSince });
  }

  /** An automatic service without instances goes. Callers iterate over `ordered`, which is replaced, not changed. */
  private retire(service: ServiceRecord, at: number): void {
    if (this.byName.get(service.name) !== service) return;
    this.byName.delete(service.name);
    this.ordered = this.ordered.filter((s) => s !== service);
    this.emit({ kind: 'service', service: service.name, from: service.state, to: null, at: wallAt(this.time, at) });
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

  /** A result as the registry keeps it: output cut to max-output, absent fields filled in. */
  private keep(report: Partial<KeptReport> & { exitCode: number }): KeptReport {
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

  private emit(event: RegistryEvent): void {
    if (event.kind !== 'reported') this.changes++;
    for (const listener of this.listeners) listener(event);
  }

  /** Tells the sinks an instance's values changed (no event built when none listens). */
  private reported(service: string, hostname: string): void {
    if (this.listeners.size > 0) this.emit({ kind: 'reported', service, hostname });
  }
}
