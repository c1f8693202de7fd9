import { INSTANCE_NAME_PATTERN } from './instance-name.js';
import { SERVICE_NAME_PATTERN } from './service-name.js';

/**
 * The report contract as a JSON Schema: what POST /v1/report accepts, and what the state file
 * must hold for each instance (persistence/state-file-schema.ts), so that nothing reaches the
 * registry by one way that the other would refuse. Only service, hostname and exitCode are
 * required (a container without Node reports with curl); unknown fields are ignored.
 * exitCode is an Integer32 (tallymanInstanceExitCode); texts are bounded so that a hostile
 * report cannot grow the registry beyond the body limit.
 */
export const reportProperties = {
  service: { type: 'string', pattern: SERVICE_NAME_PATTERN },
  hostname: { type: 'string', pattern: INSTANCE_NAME_PATTERN },
  exitCode: { type: 'integer', minimum: -2147483648, maximum: 2147483647 },
  signal: { type: ['string', 'null'], pattern: '^SIG[A-Z0-9+-]{1,12}$' },
  timedOut: { type: 'boolean' },
  stdout: { type: 'string' },
  stderr: { type: 'string' },
  truncated: { type: 'boolean' },
  startedAt: { type: ['string', 'null'], format: 'date-time', maxLength: 64 },
  durationMs: { type: ['integer', 'null'], minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
  value: {},
  version: { type: ['string', 'null'], maxLength: 64 },
} as const;

export const reportSchema = {
  type: 'object',
  required: ['service', 'hostname', 'exitCode'],
  properties: reportProperties,
} as const;

/** How deep a report's `value` may nest: deeper JSON could not be served back safely. */
export const MAX_VALUE_DEPTH = 32;

/** Whether `value` nests at most `limit` levels of arrays and objects (walked without recursion). */
export function withinDepth(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop() as [unknown, number];
    if (typeof item !== 'object' || item === null) continue;
    if (depth >= limit) return false;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return true;
}
