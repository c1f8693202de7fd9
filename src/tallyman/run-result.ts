/** What running the health command produced: plain data, as the report carries it. */
export interface RunResult {
  /** tallyman's exit status: the command's, 128+N for signal N, 124, 126 or 127. */
  exitCode: number;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  truncated: boolean;
  startedAt: Date;
  durationMs: number;
  /** Why the command could not run, for tallyman's one line on stderr. */
  failure?: string;
}

export const EXIT_TIMED_OUT = 124;
export const EXIT_NOT_EXECUTABLE = 126;
export const EXIT_NOT_FOUND = 127;
