import { shellWords } from './shell-words.js';

/** Seconds between checks when HEALTHCHECKPERIOD is absent or bad. */
export const DEFAULT_PERIOD_SECONDS = 30;
/** A check never runs longer than this, whatever the period. */
export const MAX_CHECK_SECONDS = 30;

/** What a container's environment declares for checker (the container's side of the interface). */
export interface HealthcheckEnv {
  /** HEALTHCHECK split into words; null when it is absent or blank. */
  command: string[] | null;
  /** HEALTHCHECKPERIOD in seconds, or the default. */
  periodSeconds: number;
  /** What is wrong with HEALTHCHECK or HEALTHCHECKPERIOD, to be reported once; null when nothing. */
  problem: string | null;
}

/** Reads HEALTHCHECK and HEALTHCHECKPERIOD from Docker's `KEY=VALUE` environment list. */
export function readHealthcheckEnv(env: readonly string[]): HealthcheckEnv {
  const value = (name: string): string | undefined => {
    let found: string | undefined;
    for (const entry of env) if (entry.startsWith(`${name}=`)) found = entry.slice(name.length + 1);
    return found;
  };
  const problems: string[] = [];
  let command: string[] | null = null;
  const text = value('HEALTHCHECK');
  if (text !== undefined && text.trim() !== '') {
    try {
      command = shellWords(text);
    } catch (error) {
      problems.push(`HEALTHCHECK ${(error as Error).message}: fix the quoting`);
    }
  }
  let periodSeconds = DEFAULT_PERIOD_SECONDS;
  const period = value('HEALTHCHECKPERIOD');
  if (period !== undefined) {
    const seconds = /^\s*[0-9]+\s*$/.test(period) ? Number(period) : NaN;
    if (Number.isInteger(seconds) && seconds >= 1 && seconds <= 86_400) periodSeconds = seconds;
    else problems.push(`HEALTHCHECKPERIOD=${JSON.stringify(period)} is not a whole number of seconds from 1 to 86400: using ${DEFAULT_PERIOD_SECONDS}`);
  }
  return { command, periodSeconds, problem: problems.length > 0 ? problems.join('; ') : null };
}

/** How long one check may run: the period, at most MAX_CHECK_SECONDS. */
export function checkTimeoutMs(periodSeconds: number): number {
  return Math.min(periodSeconds, MAX_CHECK_SECONDS) * 1000;
}
