import type { FastifyInstance } from 'fastify';
import { STATE_MESSAGES, type SubagentState } from '../../agentx/index.js';
import type { RegistryReader } from '../registry/ports.js';
import { INSTANCE_STATES, SERVICE_STATES } from '../registry/states.js';
import { EXPOSITION_CONTENT_TYPE, family, labelValue, sampleValue } from './exposition.js';

/** A counter of reports by service and result, as the collector keeps it (collector/report-tally.ts). */
export interface ReportCountSource {
  entries(): Iterable<{ service: string; result: string; count: number }>;
}

export interface MetricsSources {
  registry: RegistryReader;
  /** The collector's tally of reports. */
  reports: ReportCountSource;
  /** The AgentX session's state now; `off` when agentx-socket is none. */
  agentx: () => AgentxSessionState;
}

export type AgentxSessionState = SubagentState | 'off';

const AGENTX_STATES: AgentxSessionState[] = ['off', ...(Object.keys(STATE_MESSAGES) as SubagentState[])];

/** The state-set lines of one object: one series per state, 1 for the current (OpenMetrics StateSet). */
function stateSet(lines: string[], name: string, labels: string, states: readonly string[], current: string): void {
  for (const state of states) lines.push(`${name}{${labels}state="${state}"} ${state === current ? 1 : 0}`);
}

function registryMetrics(lines: string[], registry: RegistryReader): void {
  const services = registry.services();
  family(lines, 'tallyman_service_state', 'gauge', 'The state of each declared service: one series per state, 1 for the current.');
  for (const service of services) stateSet(lines, 'tallyman_service_state', `service="${labelValue(service.name)}",`, SERVICE_STATES, service.state);
  family(lines, 'tallyman_instance_state', 'gauge', 'The state of each instance: one series per state, 1 for the current.');
  const last: string[] = [];
  const exit: string[] = [];
  const failures: string[] = [];
  for (const service of services) {
    const serviceLabel = `service="${labelValue(service.name)}",`;
    for (const instance of service.instances.values()) {
      const labels = `${serviceLabel}instance="${labelValue(instance.hostname)}"`;
      stateSet(lines, 'tallyman_instance_state', `${labels},`, INSTANCE_STATES, instance.state);
      last.push(`tallyman_instance_last_report_timestamp_seconds{${labels}} ${instance.receivedAt / 1000}`);
      exit.push(`tallyman_instance_exit_code{${labels}} ${instance.report.exitCode}`);
      failures.push(`tallyman_instance_consecutive_failures{${labels}} ${instance.consecutiveFailures}`);
    }
  }
  family(lines, 'tallyman_instance_last_report_timestamp_seconds', 'gauge', 'When the instance last reported, in seconds since the epoch.');
  lines.push(...last);
  family(lines, 'tallyman_instance_exit_code', 'gauge', "The exit code of the instance's last check.");
  lines.push(...exit);
  family(lines, 'tallyman_instance_consecutive_failures', 'gauge', 'Failed checks in a row, 0 after a passing one.');
  lines.push(...failures);
}

function reportMetrics(lines: string[], reports: ReportCountSource): void {
  family(lines, 'tallyman_reports_total', 'counter', 'Reports received, by service ("" when undeclared or not yet read) and result: accepted or the refusal code.');
  for (const { service, result, count } of reports.entries()) lines.push(`tallyman_reports_total{service="${labelValue(service)}",result="${labelValue(result)}"} ${count}`);
}

/** The process metrics Prometheus client libraries export under these names. */
function processMetrics(lines: string[]): void {
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  const gauge = (name: string, type: 'gauge' | 'counter', help: string, value: number): void => {
    family(lines, name, type, help);
    lines.push(`${name} ${sampleValue(value)}`);
  };
  gauge('process_cpu_user_seconds_total', 'counter', 'User CPU time spent in seconds.', cpu.user / 1e6);
  gauge('process_cpu_system_seconds_total', 'counter', 'System CPU time spent in seconds.', cpu.system / 1e6);
  gauge('process_cpu_seconds_total', 'counter', 'Total user and system CPU time spent in seconds.', (cpu.user + cpu.system) / 1e6);
  gauge('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.', memory.rss);
  gauge('process_start_time_seconds', 'gauge', 'Start time of the process since unix epoch in seconds.', Math.round(performance.timeOrigin / 1000));
  gauge('nodejs_heap_size_total_bytes', 'gauge', 'Process heap size from Node.js in bytes.', memory.heapTotal);
  gauge('nodejs_heap_size_used_bytes', 'gauge', 'Process heap size used from Node.js in bytes.', memory.heapUsed);
  gauge('nodejs_external_memory_bytes', 'gauge', 'Node.js external memory size in bytes.', memory.external);
}

/** The whole exposition, as one scrape reads it. */
export function renderMetrics(sources: MetricsSources): string {
  const lines: string[] = [];
  registryMetrics(lines, sources.registry);
  reportMetrics(lines, sources.reports);
  family(lines, 'tallyman_agentx_session_state', 'gauge', 'The AgentX session with snmpd: one series per state, 1 for the current.');
  stateSet(lines, 'tallyman_agentx_session_state', '', AGENTX_STATES, sources.agentx());
  processMetrics(lines);
  lines.push('');
  return lines.join('\n');
}

/** GET /metrics. */
export function metricsRoute(app: FastifyInstance, sources: MetricsSources): void {
  app.get('/metrics', async (_request, reply) => reply.type(EXPOSITION_CONTENT_TYPE).send(renderMetrics(sources)));
}
