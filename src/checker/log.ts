import { openSyslog, priLine, SEVERITY, SYSLOG_FACILITIES, type SyslogWriter } from '../common/syslog.js';

/**
 * What the check runner, monitor and listener log through: the subset of methods pino shares,
 * so that stevedore can hand them its own logger.
 */
export interface EventLog {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const LOG_LEVELS = ['DEBUG', 'INFO', 'NOTICE', 'WARNING', 'ERROR', 'CRITICAL'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const SEVERITIES: Record<LogLevel, number> = {
  DEBUG: SEVERITY.debug, INFO: SEVERITY.info, NOTICE: SEVERITY.notice, WARNING: SEVERITY.warning, ERROR: SEVERITY.err, CRITICAL: SEVERITY.crit,
};

export interface LogTargets {
  level: LogLevel;
  /** Lines to stdout: `LEVEL message`. */
  stdout: ((line: string) => void) | null;
  /** Syslog (facility daemon) with this tag, through logger(1) to socket [/dev/log]; or null. */
  syslog: { tag: string; socket?: string } | null;
}

/** checker's log: each line at or above the level goes to stdout and/or syslog. */
export class CheckerLog implements EventLog {
  private readonly minimum: number;
  private readonly syslog: SyslogWriter | null;

  constructor(private readonly targets: LogTargets) {
    this.minimum = SEVERITIES[targets.level];
    this.syslog = targets.syslog === null ? null : openSyslog(targets.syslog.tag, targets.syslog.socket);
  }

  log(level: LogLevel, message: string): void {
    const severity = SEVERITIES[level];
    if (severity > this.minimum) return;
    this.targets.stdout?.(`${level} ${message}`);
    this.syslog?.writeLine(priLine(SYSLOG_FACILITIES.daemon as number, severity, message));
  }

  debug = (message: string): void => this.log('DEBUG', message);
  info = (message: string): void => this.log('INFO', message);
  notice = (message: string): void => this.log('NOTICE', message);
  warn = (message: string): void => this.log('WARNING', message);
  error = (message: string): void => this.log('ERROR', message);
  critical = (message: string): void => this.log('CRITICAL', message);

  async close(): Promise<void> {
    await this.syslog?.close();
  }
}
