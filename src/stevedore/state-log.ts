import type { Logger } from './logging/logger.js';
import type { ConflictSource, HostnameConflict, HostnameConflictEnded, RegistryEvent, StateChange } from './registry/events.js';

const REMOVED = {
  expired: 'stale for the expire time',
  'container destroyed': 'its container was destroyed',
  'container gone': 'its container no longer exists',
  'service removed': 'a reload removed its service',
  replaced: "its container's health now comes from tallyman's reports (another instance)",
  'source off': 'a reload turned off the source that fed it',
} as const;

const named = (state: string | null): string => state ?? 'absent';

/** The log's sink of the registry's events: one line per state change, warn when things get worse. */
export function logRegistryEvent(log: Logger, event: RegistryEvent): void {
  if (event.kind === 'reported') return;
  if (event.kind === 'conflict') logConflict(log, event);
  else if (event.kind === 'conflict-ended') logConflictEnded(log, event);
  else logStateChange(log, event);
}

function logStateChange(log: Logger, change: StateChange): void {
  const at = new Date(change.at).toISOString();
  if (change.kind === 'instance') {
    const what = `instance ${change.service}/${change.hostname}`;
    const fields = { service: change.service, hostname: change.hostname, from: change.from, to: change.to, at, exitCode: change.exitCode, ...(change.cause && { cause: change.cause }) };
    if (change.from === null) log.info(fields, `${what} appeared: ${change.to}`);
    else if (change.to === null) log.info(fields, `${what} removed: ${REMOVED[change.cause ?? 'expired']}`);
    else if (change.to === 'ok') log.info(fields, `${what}: ${change.from} -> ok`);
    else log.warn(fields, `${what}: ${change.from} -> ${change.to}${change.to === 'failing' ? ` (exit ${change.exitCode})` : ''}`);
    return;
  }
  const fields = { service: change.service, from: change.from, to: change.to, at };
  const line = `service ${change.service}: ${named(change.from)} -> ${named(change.to)}`;
  if (change.to === 'ok' || change.to === 'unknown' || change.to === null || change.from === null) log.info(fields, line);
  else log.warn(fields, line);
}

/** The registry announces a conflict when it begins and at most once a minute while it lasts. */
function logConflict(log: Logger, conflict: HostnameConflict): void {
  const sources = conflict.sources.map(sourceName);
  log.warn(
    { service: conflict.service, hostname: conflict.hostname, sources: conflict.sources.map(sourceFields), since: new Date(conflict.since).toISOString() },
    `instance ${conflict.service}/${conflict.hostname} is reported by ${sources.length} sources: ${sources.join(', ')}; its state is the worst of theirs until one is left (give each replica its own hostname) (logged once a minute)`,
  );
}

/** Its end, once: the instance is back to one source and that source's own state. */
function logConflictEnded(log: Logger, ended: HostnameConflictEnded): void {
  log.info(
    { service: ended.service, hostname: ended.hostname, source: sourceFields(ended.source), since: new Date(ended.since).toISOString() },
    `instance ${ended.service}/${ended.hostname} is reported by one source again: ${sourceName(ended.source)}; the conflict since ${new Date(ended.since).toISOString()} is over`,
  );
}

const sourceName = (s: ConflictSource): string => (s.container === null ? s.address : `${s.address} (container ${s.container})`);
const sourceFields = (s: ConflictSource): Record<string, unknown> => ({ ...s, lastSeen: new Date(s.lastSeen).toISOString() });
