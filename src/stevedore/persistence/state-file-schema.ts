import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import { reportProperties } from '../../common/report-schema.js';
import { AUTO_ORIGINS, RESULT_ORIGINS } from '../registry/records.js';
import { INSTANCE_STATES, SERVICE_STATES } from '../registry/states.js';

/**
 * The state file's contract, as JSON Schemas built from the report's own (common/
 * report-schema.ts): an instance restored from the file passes the same checks as one a report
 * creates. The envelope is checked whole, bar its counters (a bad one is counted from 0);
 * services and instances one by one, so that a bad entry is dropped alone.
 */
const count = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;
const time = { type: 'string', format: 'date-time', maxLength: 64 } as const;
const strings = (maxItems: number, maxLength: number) => ({ type: 'array', maxItems, items: { type: 'string', maxLength } }) as const;

const { service, hostname, ...kept } = reportProperties;

export const envelopeSchema = {
  type: 'object',
  required: ['format', 'version', 'services'],
  properties: {
    format: { const: 'stevedore-state' },
    version: { const: 1 },
    savedAt: time,
    services: { type: 'array' },
  },
} as const;

export const serviceEntrySchema = {
  type: 'object',
  required: ['name', 'state', 'stateSince', 'instances'],
  properties: {
    name: service,
    state: { enum: SERVICE_STATES },
    stateSince: time,
    // Absent: a declared service (and every service in a file from before automatic ones were kept).
    automatic: { enum: AUTO_ORIGINS },
    instances: { type: 'array' },
  },
} as const;

export const instanceEntrySchema = {
  type: 'object',
  required: ['hostname', 'address', 'receivedAt', 'reports', 'failures', 'consecutiveFailures', 'state', 'stateSince', 'report'],
  properties: {
    hostname,
    address: { type: 'string', maxLength: 64 },
    origin: { enum: RESULT_ORIGINS },
    receivedAt: time,
    reports: count,
    failures: count,
    consecutiveFailures: count,
    state: { enum: INSTANCE_STATES },
    stateSince: time,
    // What the registry kept of the last report: the report's own fields, bar the two that
    // name the instance.
    report: { type: 'object', required: ['exitCode'], properties: kept },
    container: {
      type: ['object', 'null'],
      required: ['id', 'name', 'image', 'ipAddresses', 'ports'],
      properties: {
        id: { type: 'string', maxLength: 128 },
        name: { type: 'string', maxLength: 256 },
        image: { type: 'string', maxLength: 1024 },
        ipAddresses: strings(64, 64),
        ports: strings(1024, 128),
      },
    },
  },
} as const;

let compiled: { envelope: ValidateFunction; service: ValidateFunction; instance: ValidateFunction } | null = null;

/** The three schemas compiled (once), with the date-time format the report's startedAt uses. */
export function stateFileValidators(): NonNullable<typeof compiled> {
  if (compiled === null) {
    const ajv = new Ajv({ allowUnionTypes: true, allErrors: false });
    addFormatsPlugin.default(ajv, ['date-time']);
    compiled = { envelope: ajv.compile(envelopeSchema), service: ajv.compile(serviceEntrySchema), instance: ajv.compile(instanceEntrySchema) };
  }
  return compiled;
}
