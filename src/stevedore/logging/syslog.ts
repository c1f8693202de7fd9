import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';

// RFC 5424 section 6.2.1: facility codes and severities.
const FACILITIES: Record<string, number> = {
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9, authpriv: 10, ftp: 11,
  local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21, local6: 22, local7: 23,
};
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
    return `<${facility * 8 + 6}>${json}`;
  }
  const { level, time: _time, msg, pid: _pid, hostname: _host, ...rest } = entry;
  const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
  return `<${facility * 8 + severity(Number(level))}>${String(msg ?? '')}${extra}`.replace(/\n/g, ' ');
}

/**
 * A pino destination writing to syslog through logger(1), which speaks to /dev/log (Node has
 * no unix datagram sockets). One logger process for the daemon's life; `--prio-prefix` lets each
 * line carry its own severity.
 */
export function syslogStream(tag: string, facilityName: string, socketPath = '/dev/log'): Writable {
  const facility = FACILITIES[facilityName] ?? FACILITIES.daemon!;
  const child = spawn('logger', ['--prio-prefix', '-t', tag, '-u', socketPath, '--socket-errors=off'], { stdio: ['pipe', 'ignore', 'inherit'] });
  child.on('error', () => {}); // a missing logger(1) must not take stevedore down
  child.stdin.on('error', () => {});
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) child.stdin.write(`${syslogLine(line, facility)}\n`);
      done();
    },
    final(done) {
      child.stdin.end();
      child.once('close', () => done());
    },
  });
}
