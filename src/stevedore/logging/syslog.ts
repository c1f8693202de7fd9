import { Writable } from 'node:stream';
import { openSyslog, priLine, syslogUnreachable, SYSLOG_FACILITIES as FACILITIES } from '../../common/syslog.js';

/** pino level -> syslog severity: trace/debug 7, info 6, warn 4, error 3, fatal 2. */
function severity(level: number): number {
  if (level >= 60) return 2;
  if (level >= 50) return 3;
  if (level >= 40) return 4;
  if (level >= 30) return 6;
  return 7;
}

export function syslogFacility(name: string): number | undefined {
  return FACILITIES[name];
}

/** The PRI prefix and text for one pino JSON line. */
export function syslogLine(json: string, facility: number): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return priLine(facility, 6, json);
  }
  const { level, time: _time, msg, pid: _pid, hostname: _host, ...rest } = entry;
  const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
  return priLine(facility, severity(Number(level)), `${String(msg ?? '')}${extra}`);
}

/** A pino destination writing to syslog through logger(1) (src/common/syslog.ts). */
export function syslogStream(tag: string, facilityName: string, socketPath = '/dev/log'): Writable {
  const facility = FACILITIES[facilityName] ?? FACILITIES.daemon!;
  const syslog = openSyslog(tag, socketPath);
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) syslog.writeLine(syslogLine(line, facility));
      done();
    },
    final(done) {
      void syslog.close().then(() => done());
    },
  });
}

/**
 * The warning for the terminal when `syslog yes;` has no syslog daemon to talk to (its lines
 * would be lost without a word), or null when one answers on `socketPath`.
 */
export async function syslogWarning(socketPath = '/dev/log'): Promise<string | null> {
  const problem = await syslogUnreachable(socketPath);
  if (problem === null) return null;
  return `stevedore: warning: 'syslog yes;' but no syslog daemon takes lines on ${socketPath} (${problem}): those log lines are lost; start one (rsyslog, systemd-journald) or remove 'syslog yes;'\n`;
}
