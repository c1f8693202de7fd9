/**
 * SIGHUP: the configuration read again and applied to the running daemon, or refused with
 * every error logged while the running configuration stays. Settings bound at start (sockets,
 * files, privileges) change only at the next restart, and the log says which.
 */
import { countNoun } from '../common/count-noun.js';
import type { Config } from './config/config.js';
import { formatErrors } from './config/errors.js';
import { loadConfig, type LoadResult } from './config/load.js';
import type { Logger } from './logging/logger.js';
import type { Preprocessor } from './options.js';

/** Settings a reload cannot change in a running process (sockets bound, privileges dropped). */
export function restartOnly(before: Config, after: Config): string[] {
  // Where a statement stands in the file is no setting: a line moved is no change.
  const settings = (value: unknown): string => JSON.stringify(value, (key, v: unknown) => (key === 'declaredAt' ? undefined : v));
  const same = (a: unknown, b: unknown): boolean => settings(a) === settings(b);
  const names: [string, unknown, unknown][] = [
    ['listen', before.listen, after.listen],
    ['max-connections', before.maxConnections, after.maxConnections],
    ['http-listen', before.httpListen, after.httpListen],
    ['state-file', before.stateFile, after.stateFile],
    ['pidfile', before.pidfile, after.pidfile],
    ['user', before.user, after.user],
    ['group', before.group, after.group],
    ['syslog', [before.syslog, before.syslogFacility, before.syslogTag], [after.syslog, after.syslogFacility, after.syslogTag]],
    ['snmp-listen', before.snmpListen, after.snmpListen],
    ['snmp-community', before.snmpCommunity, after.snmpCommunity],
    ['snmp-contact', before.snmpContact, after.snmpContact],
    ['snmp-location', before.snmpLocation, after.snmpLocation],
    ['snmp-user', before.snmpUsers, after.snmpUsers],
    ['snmp-trap-sink', before.snmpTrapSinks, after.snmpTrapSinks],
  ];
  return names.filter(([, a, b]) => !same(a, b)).map(([name]) => name);
}

export interface Reload {
  file: string;
  preprocessor: Preprocessor;
  /** Aborts when stevedore stops: the load is abandoned (its preprocessor killed) and nothing is applied. */
  signal: AbortSignal;
  log: Logger;
  /**
   * The configuration the process started with: what its sockets, files and privileges still
   * follow, so every reload names every restart-only change still waiting for the restart.
   */
  started: Config;
  /** Makes every part follow the new configuration. */
  apply(next: Config): Promise<void>;
}

export async function reload({ file, preprocessor, signal, log, started, apply }: Reload): Promise<void> {
  let loaded: LoadResult;
  try {
    loaded = await loadConfig(file, { preprocessor, signal });
  } catch (error) {
    if (!signal.aborted) throw error;
    log.info({ file }, 'configuration reload abandoned: stevedore is stopping');
    return;
  }
  if (!loaded.ok) {
    log.error({ file, errors: loaded.errors.length }, `configuration reload refused (${loaded.errors.length} errors); still running on the previous configuration`);
    for (const line of formatErrors(loaded.errors).trimEnd().split('\n')) log.error(line);
    return;
  }
  const next = loaded.config;
  const fixed = restartOnly(started, next);
  await apply(next);
  log.info({ services: next.services.length }, `configuration reloaded: ${countNoun(next.services.length, 'service')}`);
  if (fixed.length > 0) log.warn({ settings: fixed }, `changes to ${fixed.join(', ')} take effect at the next restart`);
}
