import { CodedError } from '../../common/coded-error.js';
import type { ErrorObject } from 'ajv';
import { isIP } from 'node:net';
import { MAX_VALUE_DEPTH, withinDepth } from '../../common/report-schema.js';
import type { RegistryImage, SavedInstance, SavedService } from '../registry/records.js';

/**
 * The state file's format: the registry image as JSON, times as ISO-8601 so that an operator
 * can read it. `format` and `version` let a later stevedore recognise (and convert) what an
 * earlier one wrote. A service entry holds name, state, stateSince, its instances, and for an
 * automatic service `automatic`: the source that made it (absent for a declared one, and in
 * files written before it was kept). An instance entry holds hostname, address, origin,
 * receivedAt, reports, failures, consecutiveFailures, state, stateSince, report (the kept
 * report) and container.
 */
const FORMAT = 'stevedore-state';
const VERSION = 1;

/** About how many characters are serialized at once before the writer yields (stateFileChunks). */
export const SLICE_CHARS = 64 * 1024;

/** The file cannot be used at all (not JSON, not a state file): it is moved aside whole. */
export class SnapshotError extends CodedError<'STATE_FILE_UNUSABLE'> {
  constructor(message: string) {
    super('STATE_FILE_UNUSABLE', message);
  }
}

/** An entry left out of a restore, and why: one log line each. */
export interface Dropped {
  /** Where it was: services[1].instances[4] */
  where: string;
  /** The instance or service it named, when it named one. */
  name: string | null;
  reason: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();

function instanceJson(i: SavedInstance): string {
  return JSON.stringify({
    hostname: i.hostname,
    address: i.address,
    origin: i.origin,
    receivedAt: iso(i.receivedAt),
    reports: i.reports,
    failures: i.failures,
    consecutiveFailures: i.consecutiveFailures,
    state: i.state,
    stateSince: iso(i.stateSince),
    report: i.report,
    container: i.container,
  });
}

/**
 * The file's text for `image`, in slices of about SLICE_CHARS: a writer that awaits each
 * slice's write between them never holds the event loop for more than one slice's worth of
 * JSON.stringify, however large the registry (10 000 instances x 4 KiB output: 80 MB).
 */
export function* stateFileChunks(image: RegistryImage): Generator<string> {
  const head = { format: FORMAT, version: VERSION, savedAt: iso(image.savedAt), reportsAccepted: image.reportsAccepted, reportsRejected: image.reportsRejected };
  let chunk = `${JSON.stringify(head).slice(0, -1)},"services":[`;
  for (const [s, service] of image.services.entries()) {
    const serviceHead = { name: service.name, state: service.state, stateSince: iso(service.stateSince), ...(service.automatic !== null && { automatic: service.automatic }) };
    chunk += `${s === 0 ? '' : ','}${JSON.stringify(serviceHead).slice(0, -1)},"instances":[`;
    for (const [i, instance] of service.instances.entries()) {
      chunk += (i === 0 ? '' : ',') + instanceJson(instance);
      if (chunk.length >= SLICE_CHARS) {
        yield chunk;
        chunk = '';
      }
    }
    chunk += ']}';
  }
  yield `${chunk}]}`;
}

const why = (errors: ErrorObject[] | null | undefined): string => {
  const e = errors?.[0];
  if (!e) return 'invalid';
  const field = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
  return `${field || 'the entry'} ${e.message ?? 'is invalid'}`;
};

const named = (entry: unknown, key: string): string | null => {
  const value = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' ? value : null;
};

type Json = Record<string, unknown>;

/** A top-level counter: a count, or 0 and a line saying so (the rest of the file is still good). */
function counter(top: Json, key: 'reportsAccepted' | 'reportsRejected', dropped: Dropped[]): number {
  const value = top[key];
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  dropped.push({ where: key, name: null, reason: `not a count (an integer from 0): counted from 0` });
  return 0;
}

/**
 * Reads a state file's text into a registry image, checking every service and instance entry
 * against the report's contract (state-file-schema.ts): an entry that breaks it is dropped and
 * named in `dropped`, the rest kept. Throws SnapshotError when the text is not a state file at all.
 */
export async function readStateFile(text: string): Promise<{ image: RegistryImage; dropped: Dropped[] }> {
  // The validator (ajv) is loaded only when there is a file to read: start-up stays quick.
  const v = (await import('./state-file-schema.js')).stateFileValidators();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SnapshotError(`not JSON (${(error as Error).message})`);
  }
  if (!v.envelope(parsed)) {
    const top = parsed as Json | null;
    if (typeof top !== 'object' || top === null || top.format !== FORMAT) throw new SnapshotError(`not a stevedore state file (no format '${FORMAT}')`);
    if (top.version !== VERSION) throw new SnapshotError(`version ${String(top.version)} is not one this stevedore reads (${VERSION})`);
    throw new SnapshotError(why(v.envelope.errors));
  }
  const top = parsed as Json & { services: unknown[] };
  const dropped: Dropped[] = [];
  const services: SavedService[] = [];
  top.services.forEach((entry, s) => {
    if (!v.service(entry)) {
      dropped.push({ where: `services[${s}]`, name: named(entry, 'name'), reason: why(v.service.errors) });
      return;
    }
    const service = entry as Json & { name: string; state: SavedService['state']; stateSince: string; automatic?: SavedService['automatic']; instances: unknown[] };
    const instances: SavedInstance[] = [];
    const seen = new Map<string, string>();
    service.instances.forEach((item, i) => {
      const where = `services[${s}].instances[${i}]`;
      if (!v.instance(item)) {
        dropped.push({ where, name: named(item, 'hostname'), reason: why(v.instance.errors) });
        return;
      }
      const instance = item as Json & Omit<SavedInstance, 'receivedAt' | 'stateSince'> & { receivedAt: string; stateSince: string };
      if (!withinDepth(instance.report.value, MAX_VALUE_DEPTH)) {
        dropped.push({ where, name: instance.hostname, reason: `report.value nested deeper than ${MAX_VALUE_DEPTH} levels` });
        return;
      }
      // The collector records the source's IP address; tallymanInstanceAddress serves it as one.
      // A row Docker made for a container with no IP address (--network host or none) holds ''.
      if (isIP(instance.address) === 0 && !(instance.address === '' && (instance.origin ?? 'report') !== 'report')) {
        dropped.push({ where, name: instance.hostname, reason: 'address is not an IP address' });
        return;
      }
      const first = seen.get(instance.hostname);
      if (first !== undefined) {
        dropped.push({ where, name: instance.hostname, reason: `the same hostname as ${first}, which is kept` });
        return;
      }
      seen.set(instance.hostname, where);
      const r = instance.report;
      instances.push({
        service: service.name,
        hostname: instance.hostname,
        address: instance.address,
        origin: instance.origin ?? 'report',
        receivedAt: Date.parse(instance.receivedAt),
        reports: instance.reports,
        failures: instance.failures,
        consecutiveFailures: instance.consecutiveFailures,
        state: instance.state,
        stateSince: Date.parse(instance.stateSince),
        report: {
          exitCode: r.exitCode,
          signal: r.signal ?? null,
          timedOut: r.timedOut ?? false,
          stdout: r.stdout ?? '',
          stderr: r.stderr ?? '',
          truncated: r.truncated ?? false,
          startedAt: r.startedAt ?? null,
          durationMs: r.durationMs ?? null,
          value: r.value ?? null,
          version: r.version ?? null,
        },
        container: instance.container ?? null,
      });
    });
    services.push({ name: service.name, state: service.state, stateSince: Date.parse(service.stateSince), automatic: service.automatic ?? null, instances });
  });
  const image: RegistryImage = {
    savedAt: typeof top.savedAt === 'string' ? Date.parse(top.savedAt) : 0,
    reportsAccepted: counter(top, 'reportsAccepted', dropped),
    reportsRejected: counter(top, 'reportsRejected', dropped),
    services,
  };
  return { image, dropped };
}
