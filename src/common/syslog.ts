import { spawn } from 'node:child_process';

// RFC 5424 section 6.2.1: facility codes and severities.
export const SYSLOG_FACILITIES: Readonly<Record<string, number>> = {
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9, authpriv: 10, ftp: 11,
  local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21, local6: 22, local7: 23,
};

export const SEVERITY = { emerg: 0, alert: 1, crit: 2, err: 3, warning: 4, notice: 5, info: 6, debug: 7 } as const;

/** `<PRI>text` for logger(1)'s --prio-prefix (RFC 5424 section 6.2.1: PRI = facility * 8 + severity), on one line. */
export function priLine(facility: number, severity: number, text: string): string {
  return `<${facility * 8 + severity}>${text.replace(/\n/g, ' ')}`;
}

export interface SyslogWriter {
  /** One `<PRI>text` line (see priLine). */
  writeLine(line: string): void;
  close(): Promise<void>;
}

/**
 * Syslog through one logger(1) process for the program's life, which speaks to /dev/log (Node
 * has no unix datagram sockets); `--prio-prefix` lets each line carry its own severity. A
 * missing logger(1) must not take the program down: lines are then lost.
 */
export function openSyslog(tag: string, socketPath = '/dev/log'): SyslogWriter {
  const child = spawn('logger', ['--prio-prefix', '-t', tag, '-u', socketPath, '--socket-errors=off'], { stdio: ['pipe', 'ignore', 'inherit'] });
  child.on('error', () => {});
  child.stdin.on('error', () => {});
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return {
    writeLine: (line) => void child.stdin.write(`${line}\n`),
    close: async () => {
      child.stdin.end();
      if (child.pid !== undefined) await closed;
    },
  };
}

/**
 * Whether a syslog daemon takes lines on `socketPath`: logger(1) with socket errors on and no
 * input connects and sends nothing. Resolves null when it does, else why not ("socket /dev/log:
 * No such file or directory", "... Connection refused"). Needed because openSyslog's logger
 * drops every line silently when nobody listens.
 */
export function syslogUnreachable(socketPath = '/dev/log'): Promise<string | null> {
  return new Promise((resolve) => {
    const child = spawn('logger', ['--socket-errors=on', '-u', socketPath, '-t', 'probe'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let said = '';
    child.stderr.on('data', (chunk: Buffer) => (said += chunk.toString()));
    child.once('error', (error) => resolve(`logger(1) cannot run: ${error.message}`));
    child.once('close', (code) => resolve(code === 0 ? null : said.trim().replace(/^logger: /, '') || `logger(1) exited with status ${code}`));
  });
}
