/**
 * The report a health check sends to the collector: POST /v1/report, application/json.
 * tallyman fills every field; the collector requires only service, hostname and exitCode,
 * so a container without Node can report with curl.
 */
export interface Report {
  /** The service the check belongs to (SRVID). */
  service: string;
  /** The instance: the container's hostname, by default its short id. */
  hostname: string;
  /** The command's exit status; 128+N when killed by signal N; 124 when timed out. */
  exitCode: number;
  /** The signal that ended the command, by name, or null. */
  signal?: string | null;
  /** Whether tallyman's --execution-timeout ended the command. */
  timedOut?: boolean;
  /** Captured output, capped per stream, invalid UTF-8 replaced by U+FFFD. */
  stdout?: string;
  stderr?: string;
  /** Whether either stream was cut to the cap. */
  truncated?: boolean;
  /** When the command started, ISO-8601. */
  startedAt?: string;
  durationMs?: number;
  /** Any JSON value the check attaches (tallyman --value). */
  value?: unknown;
  /** The reporter's version. */
  version?: string;
}

/** Default cap on the bytes captured per output stream (stdout, stderr). */
export const DEFAULT_OUTPUT_CAP = 4096;

/** The collector's well-known port. */
export const DEFAULT_COLLECTOR_PORT = 8990;

export const REPORT_PATH = '/v1/report';
