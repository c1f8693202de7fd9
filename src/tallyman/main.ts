import { hostname as systemHostname } from 'node:os';
import type { Writable } from 'node:stream';
import { DEFAULT_OUTPUT_CAP, type Report } from '../common/report.js';
import { systemTime } from '../common/time.js';
import { VERSION } from '../common/version.js';
import { flushed } from './flush.js';
import { readDefaultGateway } from './gateway.js';
import { parseArguments } from './options.js';
import { postReport } from './post.js';
import { runCommand } from './run.js';
import { formatAddress } from './server.js';
import { commandEnvironment, settle, type Environment, type Settings } from './settings.js';
import { EXIT_USAGE, HELP, SYNOPSIS } from './usage.js';
import { UsageError } from './usage-error.js';
import type { RunResult } from './run-result.js';

export interface Io {
  stdout: Writable;
  stderr: Writable;
  /** tallyman's own messages, one line each. */
  message(line: string): void;
}

const KILL_GRACE_MS = 1000;
const FORWARDED: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];
const LINGER_MS = 200;

function toReport(service: string, settings: Settings, value: unknown, result: RunResult): Report {
  return {
    service,
    hostname: settings.hostname,
    exitCode: result.exitCode,
    signal: result.signal,
    timedOut: result.timedOut,
    stdout: result.stdout,
    stderr: result.stderr,
    truncated: result.truncated,
    startedAt: result.startedAt.toISOString(),
    durationMs: result.durationMs,
    value,
    version: VERSION,
  };
}

/** Runs tallyman; resolves to its exit status. */
export async function main(argv: readonly string[], env: Environment, io: Io, routeFile?: string): Promise<number> {
  let invocation;
  let settings: Settings;
  try {
    invocation = parseArguments(argv);
    if (invocation.kind === 'help') {
      io.stdout.write(Buffer.from(HELP));
      await flushed([io.stdout]);
      return 0;
    }
    if (invocation.kind === 'version') {
      io.stdout.write(Buffer.from(`tallyman ${VERSION}\n`));
      await flushed([io.stdout]);
      return 0;
    }
    settings = settle(invocation.options, env, systemHostname);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(Buffer.from(`tallyman: ${error.message}\n${SYNOPSIS}`));
    await flushed([io.stderr]);
    return EXIT_USAGE;
  }
  const options = invocation.options;
  const say = (line: string): void => {
    if (!options.quiet) io.message(`tallyman: ${line}`);
  };
  const debug = (line: string): void => {
    if (options.debug && !options.quiet) io.message(`tallyman: ${line}`);
  };

  // While the command runs, run.ts passes these signals on to it. Once it has ended, one of
  // them ends the report, and the wait for the reader, at once: tallyman still exits with the
  // command's status.
  const reporting = new AbortController();
  let commandEnded = false;
  let signalled = false;
  const interrupt = (signal: NodeJS.Signals): void => {
    signalled = true;
    if (commandEnded) reporting.abort(`interrupted by ${signal}`);
  };
  for (const signal of FORWARDED) process.on(signal, interrupt);

  const result = await runCommand({
    command: options.command,
    args: options.args,
    env: commandEnvironment(env),
    ...(options.executionTimeoutMs !== undefined && { executionTimeoutMs: options.executionTimeoutMs }),
    killGraceMs: KILL_GRACE_MS,
    lingerMs: LINGER_MS,
    outputCap: DEFAULT_OUTPUT_CAP,
    stdout: io.stdout,
    stderr: io.stderr,
    forwardSignals: FORWARDED,
    time: systemTime,
  });
  commandEnded = true;
  if (result.failure) say(result.failure);
  if (result.timedOut) say(`${options.command}: no result within --execution-timeout=${options.executionTimeoutMs! / 1000}, stopped`);
  debug(`${options.command} exited with status ${result.exitCode} in ${result.durationMs} ms`);

  const deliver = async (): Promise<void> => {
    const host = settings.server.host ?? readDefaultGateway(routeFile);
    if (host === null) {
      say('report not sent: no default gateway to find the collector; use --server=HOST:PORT or TALLYMAN_SERVER');
      return;
    }
    const server = { host, port: settings.server.port };
    const body = JSON.stringify(toReport(options.service, settings, options.value, result));
    debug(`server ${formatAddress(server)} (${settings.serverOrigin}), sending ${Buffer.byteLength(body)} bytes`);
    const outcome = reporting.signal.aborted
      ? { delivered: false as const, reason: String(reporting.signal.reason), elapsedMs: 0 }
      : await postReport(server, body, settings.token, options.connectionTimeoutMs, reporting.signal);
    if (outcome.delivered) {
      debug(`collector answered HTTP ${outcome.status} in ${outcome.elapsedMs} ms`);
    } else {
      say(`report not delivered to ${formatAddress(server)}: ${outcome.reason}`);
    }
  };
  await deliver();
  // Leave only once the reader has taken the command's output and tallyman's own lines, unless
  // the check was stopped (by its timeout or a signal, as run.ts lets go of the reader too).
  if (!result.timedOut && !signalled) await flushed([io.stdout, io.stderr], reporting.signal);
  return result.exitCode;
}
