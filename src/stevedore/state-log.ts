import type { Logger } from './logging/logger.js';
import type { StateChange } from './registry/events.js';

const REMOVED = {
  expired: 'stale for the expire time',
  'container destroyed': 'its container was destroyed',
  'container gone': 'its container no longer exists',
  'service removed': 'a reload removed its service',
} as const;

const named = (state: string | null): string => state ?? 'absent';

/** One log line per state change; warn when things get worse. */
export function logStateChange(log: Logger, change: StateChange): void {
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
