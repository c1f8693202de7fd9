import { fork, type ChildProcess } from 'node:child_process';
import { systemTime, type Time, type TimerHandle } from '../../common/time.js';
import type { Logger } from '../logging/logger.js';
import type { Readiness, ReadinessMessage } from './readiness.js';
import { workerEnvironment } from './role.js';
import type { SignalInbox, StopReason } from './signal-inbox.js';

export interface SupervisorPolicy {
  /** Delay before restart number `attempt` (1-based). */
  backoffMs(attempt: number): number;
  /** This many crashes within windowMs: give up. */
  maxCrashes: number;
  windowMs: number;
}

export const DEFAULT_SUPERVISOR_POLICY: SupervisorPolicy = {
  backoffMs: (attempt) => Math.min(30_000, 500 * 2 ** (attempt - 1)),
  maxCrashes: 5,
  windowMs: 120_000,
};

type SupervisorState = 'starting' | 'running' | 'restarting' | 'stopping' | 'stopped';

/**
 * Keeps one worker process running: restarts it with backoff when it dies, gives up with a
 * clear message on a crash loop, and passes SIGTERM, SIGINT and SIGHUP on to it. A worker that
 * fails at start-up for a reason a restart cannot fix (it says so) is not restarted.
 *
 * A SIGHUP is passed on only to a worker that serves: one that is still starting may not take
 * signals yet (Node.js gives them their default action until its first line runs), so a
 * reload asked meanwhile waits for the worker's 'ready', and is sent then, once. A worker not
 * yet forked (restarting) reads the configuration anew: nothing waits for it.
 */
export function supervise(
  argv: readonly string[],
  log: Logger,
  readiness: Readiness,
  signals: Pick<SignalInbox, 'attach'>,
  { policy = DEFAULT_SUPERVISOR_POLICY, time = systemTime }: { policy?: SupervisorPolicy; time?: Pick<Time, 'monotonic' | 'setTimeout' | 'clearTimeout'> } = {},
): Promise<number> {
  return new Promise((resolve) => {
    let state: SupervisorState = 'starting';
    let worker: ChildProcess | undefined;
    /** When the worker crashed, on the monotonic clock: a crash loop is counted within policy.windowMs. */
    let crashes: number[] = [];
    let restartTimer: TimerHandle | undefined;
    /** The signal passed on to the worker to stop it. */
    let stopSignal: NodeJS.Signals | undefined;
    /** A reload asked while the worker starts: sent when it is ready. */
    let reloadWaiting = false;

    const setState = (to: SupervisorState): void => {
      log.debug({ from: state, to }, `supervisor: ${state} -> ${to}`);
      state = to;
    };

    const start = (): void => {
      const child = fork(argv[0] as string, argv.slice(1), { env: { ...workerEnvironment(process.env), STEVEDORE_READY_FD: '' }, stdio: 'inherit' });
      worker = child;
      reloadWaiting = false;
      child.on('message', (message: ReadinessMessage) => {
        // A worker told to stop may still say it is ready (it got there first): it stops all the same.
        if (message.type === 'ready' && state !== 'stopping') {
          setState('running');
          readiness.ready();
          if (reloadWaiting) child.kill('SIGHUP');
          reloadWaiting = false;
        } else if (message.type === 'fatal') {
          log.error({ reason: message.message }, `stevedore cannot start: ${message.message}`);
          readiness.fatal(message.message);
          setState('stopping');
        }
      });
      child.on('exit', (code, signal) => {
        worker = undefined;
        if (state === 'stopping' || state === 'stopped') {
          setState('stopped');
          // A worker asked to stop exits 0, or dies of the signal passed to it (during its start-up).
          return resolve(code === 0 || (signal !== null && signal === stopSignal) ? 0 : 1);
        }
        const now = time.monotonic();
        crashes = [...crashes.filter((t) => now - t < policy.windowMs), now];
        const how = signal ? `killed by ${signal}` : `exited with status ${code}`;
        if (crashes.length >= policy.maxCrashes) {
          log.error({ crashes: crashes.length }, `stevedore worker ${how}; it crashed ${crashes.length} times within ${policy.windowMs / 1000} s: giving up (see the errors above)`);
          readiness.fatal(`the worker crashed ${crashes.length} times within ${policy.windowMs / 1000} s`);
          setState('stopped');
          return resolve(1);
        }
        const delay = policy.backoffMs(crashes.length);
        log.error({ code, signal, restartInMs: delay }, `stevedore worker ${how}: restarting in ${delay} ms`);
        setState('restarting');
        restartTimer = time.setTimeout(() => {
          restartTimer = undefined;
          start();
        }, delay);
      });
    };

    const stop = (reason: StopReason): void => {
      if (state === 'stopped') return;
      setState('stopping');
      if (restartTimer !== undefined) time.clearTimeout(restartTimer);
      stopSignal = reason === 'SIGINT' ? 'SIGINT' : 'SIGTERM';
      if (worker) worker.kill(stopSignal);
      else {
        setState('stopped');
        resolve(0);
      }
    };
    const reload = (): void => {
      if (state === 'running') worker?.kill('SIGHUP');
      else reloadWaiting = worker !== undefined;
    };
    signals.attach({ stop, reload });
    start();
  });
}
