import pino, { type Logger } from 'pino';
import type { LogLevel } from '../config/config.js';
import { prettyStream } from './pretty.js';
import { syslogStream } from './syslog.js';

export type { Logger };

export interface LogTarget {
  level: LogLevel;
  /** JSON lines to stdout (pretty when stdout is a terminal). */
  stdout: boolean;
  syslog: { tag: string; facility: string } | null;
}

/** stevedore's logger: pino, to stdout and/or syslog. The streams take every level; the logger's own level (which a reload may change) filters. */
export function createLogger(target: LogTarget): Logger {
  const streams: pino.StreamEntry[] = [];
  if (target.stdout) streams.push({ level: 'trace', stream: process.stdout.isTTY ? prettyStream(process.stdout) : process.stdout });
  if (target.syslog) streams.push({ level: 'trace', stream: syslogStream(target.syslog.tag, target.syslog.facility) });
  const options = { level: target.level, base: { pid: process.pid } };
  if (streams.length === 0) return pino({ ...options, enabled: false });
  return pino(options, pino.multistream(streams));
}
