import type { InstanceView, ServiceView } from '../registry/records.js';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** A service in GET /v1/services. */
export function serviceJson(service: ServiceView) {
  return {
    name: service.name,
    state: service.state,
    stateSince: iso(service.stateSince),
    description: service.description,
    lastReport: iso(service.lastReport),
    counts: { instances: service.instances.size, ...service.counts },
  };
}

/** An instance in GET /v1/services/:name. */
export function instanceJson(instance: InstanceView) {
  const r = instance.report;
  return {
    hostname: instance.hostname,
    state: instance.state,
    stateSince: iso(instance.stateSince),
    exitCode: r.exitCode,
    signal: r.signal,
    timedOut: r.timedOut,
    stdout: r.stdout,
    stderr: r.stderr,
    truncated: r.truncated,
    value: r.value,
    startedAt: r.startedAt,
    durationMs: r.durationMs,
    receivedAt: iso(instance.receivedAt),
    address: instance.address,
    reports: instance.reports,
    failures: instance.failures,
    consecutiveFailures: instance.consecutiveFailures,
    origin: instance.origin,
    container: instance.container,
    conflict: instance.conflict && { addresses: instance.conflict.addresses, containers: instance.conflict.containers, since: iso(instance.conflict.since) },
  };
}

export function serviceDetailJson(service: ServiceView) {
  return { ...serviceJson(service), instances: [...service.instances.values()].map(instanceJson) };
}
