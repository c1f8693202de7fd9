import type { Report } from '../../../common/report.js';
import type { FreshState } from '../../registry/states.js';

/** The parts of GET /containers/{id}/json that Docker's health check shows (Engine API 1.41). */
export interface HealthInspect {
  Id?: string;
  Config?: { Image?: string; Labels?: Record<string, string> | null; Healthcheck?: { Test?: string[] | null } | null };
  State?: {
    Running?: boolean;
    Paused?: boolean;
    Health?: { Status?: string; FailingStreak?: number; Log?: { Start?: string; End?: string; ExitCode?: number; Output?: string }[] | null } | null;
  };
}

/** Docker's latest probe as a result: the report's values, the verdict, and when it ended. */
export interface ProbeResult {
  /** Without service and hostname: the source names them. */
  values: Omit<Report, 'service' | 'hostname'>;
  verdict: { state: FreshState; consecutiveFailures: number };
  /** The probe's End, milliseconds since the epoch: a later probe has a greater one. */
  endedAt: number;
}

/** Docker's status word -> the instance state: its status, not the probe's exit code, decides (with --retries a failed probe is still healthy). */
const STATES: Record<string, FreshState> = { healthy: 'ok', unhealthy: 'failing', starting: 'starting' };

/** What Docker writes as the output of a probe it killed at --health-timeout. */
const TIMEOUT_OUTPUT = /^Health check exceeded timeout/;

/** tallyman, tallyman.cjs or tallyman.sh as a command word, by any path. */
const TALLYMAN_COMMAND = /(^|[\s;&|(/])tallyman(\.cjs|\.sh)?(\s|$)/;

/**
 * Whether the health check runs tallyman (HEALTHCHECK CMD tallyman DB ..., or in a shell
 * command): its container reports itself, with more than Docker keeps.
 */
export function runsTallyman(inspect: HealthInspect): boolean {
  const [kind, ...words] = inspect.Config?.Healthcheck?.Test ?? [];
  if (kind === 'CMD') return TALLYMAN_COMMAND.test(words[0] ?? '');
  return kind === 'CMD-SHELL' && TALLYMAN_COMMAND.test(words.join(' '));
}

/** Whether the container has a health check of Docker's own (from its image or --health-cmd; not NONE). */
export function hasHealthCheck(inspect: HealthInspect): boolean {
  const status = inspect.State?.Health?.Status;
  return status !== undefined && status !== 'none' && inspect.Config?.Healthcheck?.Test?.[0] !== 'NONE';
}

/**
 * The latest probe Docker recorded (State.Health.Log's last entry), or null when there is none
 * yet. Docker merges the probe's stdout and stderr and keeps 4 KiB of it: all in stdout.
 */
export function latestProbe(inspect: HealthInspect): ProbeResult | null {
  const health = inspect.State?.Health;
  const state = STATES[health?.Status ?? ''];
  const last = health?.Log?.at(-1);
  if (!health || !state || !last || last.End === undefined) return null;
  const endedAt = Date.parse(last.End);
  if (!Number.isFinite(endedAt)) return null;
  const startedAt = last.Start !== undefined ? Date.parse(last.Start) : NaN;
  const output = last.Output ?? '';
  const exitCode = last.ExitCode ?? -1;
  return {
    values: {
      exitCode,
      stdout: output,
      stderr: '',
      timedOut: exitCode === -1 && TIMEOUT_OUTPUT.test(output),
      ...(Number.isFinite(startedAt) && { startedAt: last.Start, durationMs: Math.max(0, endedAt - startedAt) }),
    },
    verdict: { state, consecutiveFailures: health.FailingStreak ?? 0 },
    endedAt,
  };
}
