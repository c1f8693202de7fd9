import { counter32, gauge32, integer32, MibView, octetString, rowIndex, stringIndex, timeTicks, type TableRow, type Value } from '../../agentx/index.js';
import type { Time } from '../../common/time.js';
import { VERSION } from '../../common/version.js';
import { isStateChange } from '../registry/events.js';
import type { InstanceView, KeptReport, ServiceView } from '../registry/records.js';
import type { RegistryEvents, RegistryReader } from '../registry/ports.js';
import type { ClusterReader } from '../integrations/cluster/reader.js';
import { clusterObjects } from './cluster-objects.js';
import { liveScalar, liveTable } from './live-objects.js';
import { output1Line } from '../../common/output-line.js';
import { dateAndTime, INSTANCE_HEALTH, TALLYMAN_STATE } from './smi-values.js';
import { instanceColumns as I, scalars, serviceColumns as S, tallymanInstanceEntry, tallymanServiceEntry } from './tallyman-mib.js';

/** `compute`, remembering its result for the last argument (compared with ===). */
function remembered<K, V>(compute: (key: K) => V): (key: K) => V {
  let last: { key: K; value: V } | undefined;
  return (key) => {
    if (last === undefined || last.key !== key) last = { key, value: compute(key) };
    return last.value;
  };
}

/** TruthValue (RFC 2579): true(1), false(2). */
const TRUE = 1;
const FALSE = 2;

export const SUMMARY_SCALARS = ['tallymanSummaryState', 'tallymanInstancesOk', 'tallymanInstancesFailing', 'tallymanInstancesStale'] as const;
export type SummaryScalar = (typeof SUMMARY_SCALARS)[number];

/**
 * The host at a glance: the worst service state (TallymanState orders by severity; ok when no
 * service is declared) and the instances by state. Shared with the embedded agent.
 */
export function summaryValues(services: readonly ServiceView[]): Record<SummaryScalar, Value> {
  let state = TALLYMAN_STATE.ok;
  const counts = { ok: 0, failing: 0, stale: 0 };
  for (const s of services) {
    state = Math.max(state, TALLYMAN_STATE[s.state]);
    counts.ok += s.counts.ok;
    counts.failing += s.counts.failing;
    counts.stale += s.counts.stale;
  }
  return {
    tallymanSummaryState: integer32(state),
    tallymanInstancesOk: gauge32(counts.ok),
    tallymanInstancesFailing: gauge32(counts.failing),
    tallymanInstancesStale: gauge32(counts.stale),
  };
}

/** A tallymanServiceTable row; values read live. Shared with the embedded agent. */
export function serviceRow(service: ServiceView): TableRow {
  return {
    index: stringIndex(service.name),
    value(column: number): Value | undefined {
      switch (column) {
        case S.tallymanServiceState:
          return integer32(TALLYMAN_STATE[service.state]);
        case S.tallymanServiceInstances:
          return gauge32(service.instances.size);
        case S.tallymanServiceOk:
          return gauge32(service.counts.ok);
        case S.tallymanServiceFailing:
          return gauge32(service.counts.failing);
        case S.tallymanServiceStale:
          return gauge32(service.counts.stale);
        case S.tallymanServiceLastReport:
          return octetString(dateAndTime(service.lastReport));
        case S.tallymanServiceDescription:
          return octetString(service.description);
        case S.tallymanServiceStateSince:
          return octetString(dateAndTime(service.stateSince));
      }
      return undefined;
    },
  };
}

/** A tallymanInstanceTable row; values read live. Shared with the embedded agent. */
export function instanceRow(instance: InstanceView, time: Time): TableRow {
  // Times and the first line change only with a report or a state change, but every walk reads
  // them: each is encoded again only when what it comes from changed.
  const received = remembered(dateAndTime);
  const since = remembered(dateAndTime);
  const line = remembered((report: KeptReport) => output1Line(report.stdout, report.stderr));
  return {
    index: rowIndex(stringIndex(instance.service), stringIndex(instance.hostname)),
    value(column: number): Value | undefined {
      switch (column) {
        case I.tallymanInstanceState:
          return integer32(INSTANCE_HEALTH[instance.state]);
        case I.tallymanInstanceExitCode:
          return integer32(instance.report.exitCode);
        case I.tallymanInstanceStdout:
          return octetString(instance.report.stdout);
        case I.tallymanInstanceStderr:
          return octetString(instance.report.stderr);
        case I.tallymanInstanceValue:
          return octetString(JSON.stringify(instance.report.value ?? null));
        case I.tallymanInstanceLastReport:
          return octetString(received(instance.receivedAt));
        case I.tallymanInstanceAge:
          return gauge32(Math.max(0, Math.floor((time.monotonic() - instance.receivedMonotonic) / 1000)));
        case I.tallymanInstanceReports:
          return counter32(instance.reports);
        case I.tallymanInstanceFailures:
          return counter32(instance.failures);
        case I.tallymanInstanceAddress:
          return octetString(instance.address);
        case I.tallymanInstanceContainerName:
          return octetString(instance.container?.name ?? '');
        case I.tallymanInstanceImage:
          return octetString(instance.container?.image ?? '');
        case I.tallymanInstanceStateSince:
          return octetString(since(instance.stateSince));
        case I.tallymanInstanceConsecutiveFailures:
          return gauge32(instance.consecutiveFailures);
        case I.tallymanInstanceDurationMs:
          return gauge32(Math.min(2 ** 32 - 1, Math.max(0, Math.round(instance.report.durationMs ?? 0))));
        case I.tallymanInstanceTimedOut:
          return integer32(instance.report.timedOut ? TRUE : FALSE);
        case I.tallymanInstanceOutput1Line:
          return octetString(line(instance.report));
      }
      return undefined;
    },
  };
}

/**
 * TALLYMAN-MIB served from the registry: one MibView for the whole module, built once. Values
 * are read live; the tables' rows follow the registry's instances and services (rebuilt at the
 * next request after one appears or vanishes, as the event stream says). A read only reads:
 * deadlines are applied by the registry's writes and its sweeper, which emit the events.
 * The cluster objects come from the cluster view, when there is one (cluster-objects.ts).
 */
export function tallymanView(registry: RegistryReader & RegistryEvents, time: Time, cluster: () => ClusterReader | null = () => null): MibView {
  const stats = () => registry.stats();
  const services = liveTable(tallymanServiceEntry, Object.values(S), () => registry.services().map(serviceRow));
  const instances = liveTable(tallymanInstanceEntry, Object.values(I), () => registry.services().flatMap((s) => [...s.instances.values()].map((i) => instanceRow(i, time))));
  registry.subscribe((event) => {
    if (!isStateChange(event) || (event.from !== null && event.to !== null)) return;
    instances.invalidate();
    if (event.kind === 'service') services.invalidate();
  });
  return MibView.of([
    liveScalar(scalars.tallymanVersion, () => octetString(VERSION)),
    liveScalar(scalars.tallymanUptime, () => timeTicks((time.monotonic() - stats().startedMonotonic) / 10)),
    liveScalar(scalars.tallymanReportsAccepted, () => counter32(stats().reportsAccepted)),
    liveScalar(scalars.tallymanReportsRejected, () => counter32(stats().reportsRejected)),
    liveScalar(scalars.tallymanServiceCount, () => gauge32(stats().services)),
    liveScalar(scalars.tallymanInstanceCount, () => gauge32(stats().instances)),
    ...SUMMARY_SCALARS.map((name) => liveScalar(scalars[name], () => summaryValues(registry.services())[name])),
    services,
    instances,
    ...clusterObjects(cluster),
  ]);
}
