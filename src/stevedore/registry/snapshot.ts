import type { ContainerRef, KeptReport, SavedInstance } from './records.js';
import type { Registry, RegistryReader } from './registry.js';
import type { InstanceState, ServiceState } from './states.js';

/**
 * The state file's content: the registry as JSON, times as ISO-8601 so an operator can read it.
 * `format` and `version` let a later stevedore recognise (and convert) what an earlier one wrote.
 */
export interface Snapshot {
  format: 'stevedore-state';
  version: 1;
  savedAt: string;
  reportsAccepted: number;
  reportsRejected: number;
  services: {
    name: string;
    state: ServiceState;
    stateSince: string;
    instances: {
      hostname: string;
      address: string;
      receivedAt: string;
      reports: number;
      failures: number;
      consecutiveFailures: number;
      state: InstanceState;
      stateSince: string;
      report: KeptReport;
      /** Absent in files written before stevedore followed Docker. */
      container?: ContainerRef | null;
    }[];
  }[];
}

/** The reason a state file cannot be used, for the log line that says it was moved aside. */
export class SnapshotError extends Error {
  override readonly name = 'SnapshotError';
}

const iso = (ms: number): string => new Date(ms).toISOString();

export function takeSnapshot(registry: RegistryReader, now: number): Snapshot {
  const stats = registry.stats();
  return {
    format: 'stevedore-state',
    version: 1,
    savedAt: iso(now),
    reportsAccepted: stats.reportsAccepted,
    reportsRejected: stats.reportsRejected,
    services: registry.services().map((s) => ({
      name: s.name,
      state: s.state,
      stateSince: iso(s.stateSince),
      instances: [...s.instances.values()].map((i) => ({
        hostname: i.hostname,
        address: i.address,
        receivedAt: iso(i.receivedAt),
        reports: i.reports,
        failures: i.failures,
        consecutiveFailures: i.consecutiveFailures,
        state: i.state,
        stateSince: iso(i.stateSince),
        report: i.report,
        container: i.container,
      })),
    })),
  };
}

const INSTANCE_STATES = new Set(['ok', 'failing', 'stale']);
const SERVICE_STATES = new Set(['unknown', 'ok', 'degraded', 'failing', 'stale']);

function fail(where: string, what: string): never {
  throw new SnapshotError(`${where}: ${what}`);
}

function object(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(where, 'not an object');
  return value as Record<string, unknown>;
}

function count(value: unknown, where: string): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0) fail(where, 'not a count');
  return value as number;
}

function time(value: unknown, where: string): number {
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) fail(where, 'not an ISO-8601 time');
  return ms;
}

function text(value: unknown, where: string): string {
  if (typeof value !== 'string') fail(where, 'not a string');
  return value;
}

function nullable<T>(value: unknown, check: (v: unknown) => v is T, where: string): T | null {
  if (value === null || value === undefined) return null;
  if (!check(value)) fail(where, 'has the wrong type');
  return value;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

const strings = (value: unknown, where: string): string[] => {
  if (!Array.isArray(value) || !value.every(isString)) fail(where, 'not a list of strings');
  return value as string[];
};

function containerRef(value: unknown, where: string): ContainerRef | null {
  if (value === null || value === undefined) return null;
  const c = object(value, where);
  return {
    id: text(c.id, `${where}.id`),
    name: text(c.name, `${where}.name`),
    image: text(c.image, `${where}.image`),
    ipAddresses: strings(c.ipAddresses, `${where}.ipAddresses`),
    ports: strings(c.ports, `${where}.ports`),
  };
}

function keptReport(value: unknown, where: string): KeptReport {
  const r = object(value, where);
  if (!Number.isInteger(r.exitCode)) fail(`${where}.exitCode`, 'not an integer');
  return {
    exitCode: r.exitCode as number,
    signal: nullable(r.signal, isString, `${where}.signal`),
    timedOut: r.timedOut === true,
    stdout: text(r.stdout, `${where}.stdout`),
    stderr: text(r.stderr, `${where}.stderr`),
    truncated: r.truncated === true,
    startedAt: nullable(r.startedAt, isString, `${where}.startedAt`),
    durationMs: nullable(r.durationMs, isNumber, `${where}.durationMs`),
    value: r.value ?? null,
    version: nullable(r.version, isString, `${where}.version`),
  };
}

/**
 * Reads a state file's text into the registry. Throws SnapshotError before touching the
 * registry when anything in it is malformed: a state file is used whole or not at all.
 * Instances of services the configuration no longer declares are left out.
 */
export function restoreSnapshot(registry: Registry, textContent: string): { instances: number; leftOut: number } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(textContent);
  } catch (error) {
    throw new SnapshotError(`not JSON (${(error as Error).message})`);
  }
  const top = object(parsed, 'state file');
  if (top.format !== 'stevedore-state') fail('state file', "not a stevedore state file (no format 'stevedore-state')");
  if (top.version !== 1) fail('state file', `version ${String(top.version)} is not one this stevedore reads (1)`);
  if (!Array.isArray(top.services)) fail('services', 'not a list');
  const instances: SavedInstance[] = [];
  const services = new Map<string, { state: ServiceState; stateSince: number }>();
  top.services.forEach((value: unknown, s: number) => {
    const service = object(value, `services[${s}]`);
    const name = text(service.name, `services[${s}].name`);
    if (!SERVICE_STATES.has(service.state as string)) fail(`services[${s}].state`, 'not a service state');
    services.set(name, { state: service.state as ServiceState, stateSince: time(service.stateSince, `services[${s}].stateSince`) });
    if (!Array.isArray(service.instances)) fail(`services[${s}].instances`, 'not a list');
    service.instances.forEach((v: unknown, i: number) => {
      const where = `services[${s}].instances[${i}]`;
      const instance = object(v, where);
      if (!INSTANCE_STATES.has(instance.state as string)) fail(`${where}.state`, 'not an instance state');
      instances.push({
        service: name,
        hostname: text(instance.hostname, `${where}.hostname`),
        address: text(instance.address, `${where}.address`),
        receivedAt: time(instance.receivedAt, `${where}.receivedAt`),
        reports: count(instance.reports, `${where}.reports`),
        failures: count(instance.failures, `${where}.failures`),
        consecutiveFailures: count(instance.consecutiveFailures, `${where}.consecutiveFailures`),
        state: instance.state as InstanceState,
        stateSince: time(instance.stateSince, `${where}.stateSince`),
        report: keptReport(instance.report, `${where}.report`),
        container: containerRef(instance.container, `${where}.container`),
      });
    });
  });
  const accepted = count(top.reportsAccepted, 'reportsAccepted');
  const rejected = count(top.reportsRejected, 'reportsRejected');

  let restored = 0;
  for (const instance of instances) if (registry.restoreInstance(instance)) restored++;
  registry.restoreServices(services, { reportsAccepted: accepted, reportsRejected: rejected });
  return { instances: restored, leftOut: instances.length - restored };
}
