import type { Time, TimerHandle } from '../common/time.js';
import { describeContainer, descriptionJson } from '../docker/container-description.js';
import type { EngineApi } from '../docker/engine-api.js';
import { EtcdError } from '../etcd/errors.js';
import type { EtcdClient } from '../etcd/client.js';
import { LeasedKey } from '../etcd/leased-key.js';
import { describeFailure, runCheck, type CheckResult } from './check-runner.js';
import { containerLabel, readCheckTarget, type CheckTarget } from './check-target.js';
import { discoveryKey, leaseTtlSeconds } from './discovery-key.js';
import { checkTimeoutMs, DEFAULT_PERIOD_SECONDS, readHealthcheckEnv } from './healthcheck-env.js';
import type { EventLog } from './log.js';

export interface MonitorDeps {
  engine: EngineApi;
  /** null: no discovery key (stevedore's docker-checks, whose registry publishes through its own etcd sink). */
  etcd: EtcdClient | null;
  time: Time;
  log: EventLog;
  /** Stands in for 0.0.0.0 and :: in published ports. */
  hostIp: string;
  prefix: string;
  /** How long to wait before trying again a key deletion etcd did not take. */
  etcdRetryMs?: number;
  /** Every check's result, for a caller that keeps its own record (stevedore's registry). */
  onResult?(target: CheckTarget, result: CheckResult): void;
}

/** starting: no verdict yet; ended: the monitor is over (see MonitorEnd). */
export type MonitorStatus = 'starting' | 'healthy' | 'failing' | 'stopped' | 'ended';
export type MonitorEnd = 'removed' | 'stopped' | 'no-healthcheck' | 'shutdown';

const DEFAULT_ETCD_RETRY_MS = 1000;

/**
 * Checks one container every HEALTHCHECKPERIOD seconds and keeps its discovery key in etcd
 * while the check passes (LeasedKey: TTL 2 x period + 1, renewed at each passing check). A
 * failing check, the container stopping or being removed delete the key at once. The caller
 * feeds Docker's events in (containerStarted/Stopped/Removed) so that changes act at once; each
 * check also inspects the container, so a missed event costs at most one period.
 */
export class Monitor {
  private state: MonitorStatus = 'starting';
  private id: string;
  private label: string;
  private key: LeasedKey | null = null;
  private timer: TimerHandle | undefined;
  private checking = false;
  private checkAgain = false;
  /** Bumps when the container stops, is removed or the monitor ends: a check begun before is void. */
  private epoch = 0;
  private periodSeconds = DEFAULT_PERIOD_SECONDS;
  private reportedProblem: string | null = null;
  /** Set by shutdown(): deletions are tried once more, not until etcd takes them. */
  private shuttingDown = false;
  private etcdChain: Promise<void> = Promise.resolve();
  private finish!: (end: MonitorEnd) => void;
  /** Resolves once the monitor has ended and its key is deleted (on shutdown: once deletion was tried). */
  readonly done: Promise<MonitorEnd>;

  constructor(
    private readonly deps: MonitorDeps,
    containerRef: string,
    private readonly endWhenStopped: boolean,
  ) {
    this.id = containerRef;
    this.label = containerRef;
    this.done = new Promise((resolve) => (this.finish = resolve));
  }

  get status(): MonitorStatus {
    return this.state;
  }

  start(): void {
    this.checkNow();
  }

  /** Docker says the container started (again): check now. */
  containerStarted(): void {
    if (this.state === 'ended') return;
    this.checkNow();
  }

  /** Docker says the container stopped: its key goes at once. */
  containerStopped(): void {
    if (this.state === 'ended') return;
    this.epoch++;
    this.cancelTimer();
    this.setStatus('stopped', 'the container stopped');
    this.deleteKey();
    if (this.endWhenStopped) this.end('stopped');
    else this.schedule(this.periodSeconds * 1000);
  }

  /** Docker says the container was removed: the key goes and the monitor ends. */
  containerRemoved(): void {
    if (this.state === 'ended') return;
    this.end('removed');
  }

  /** A clean stop (SIGTERM): the key goes at once and the monitor ends. */
  shutdown(): Promise<MonitorEnd> {
    // A deletion still being retried (etcd away) gives up at its next try.
    this.shuttingDown = true;
    if (this.state !== 'ended') this.end('shutdown');
    return this.done;
  }

  private end(why: MonitorEnd): void {
    this.epoch++;
    this.cancelTimer();
    this.deps.log.info(`${this.label}: monitor ends (${why === 'shutdown' ? 'shutting down' : why === 'no-healthcheck' ? 'no HEALTHCHECK' : `container ${why}`})`);
    this.state = 'ended';
    this.deleteKey();
    void this.etcdChain.then(() => this.finish(why));
  }

  private setStatus(status: MonitorStatus, detail: string): void {
    if (status === this.state) {
      this.deps.log.debug(`${this.label}: ${detail}`);
      return;
    }
    const line = `${this.label}: ${this.state} -> ${status}: ${detail}`;
    if (status === 'failing') this.deps.log.warn(line);
    else this.deps.log.info(line);
    this.state = status;
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.deps.time.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(ms: number): void {
    this.cancelTimer();
    if (this.state === 'ended') return;
    this.timer = this.deps.time.setTimeout(() => {
      this.timer = undefined;
      this.checkNow();
    }, ms);
  }

  private checkNow(): void {
    if (this.state === 'ended') return;
    if (this.checking) {
      this.checkAgain = true;
      return;
    }
    this.checking = true;
    this.cancelTimer();
    void this.checkOnce()
      .catch((error: unknown) => this.deps.log.error(`${this.label}: ${(error as Error).message}`))
      .finally(() => {
        this.checking = false;
        if (this.state === 'ended') return;
        if (this.checkAgain) {
          this.checkAgain = false;
          this.checkNow();
        } else if (this.timer === undefined) {
          this.schedule(this.periodSeconds * 1000);
        }
      });
  }

  private async checkOnce(): Promise<void> {
    const epoch = this.epoch;
    const { engine, time } = this.deps;
    let target: CheckTarget | null;
    try {
      target = await readCheckTarget(engine, this.id);
    } catch (error) {
      this.deps.log.warn(`${this.label}: cannot inspect the container: ${(error as Error).message}`);
      return;
    }
    if (epoch !== this.epoch) return;
    if (target === null) return this.containerRemoved();
    this.id = target.id;
    this.label = containerLabel(target);
    if (!target.running) {
      if (this.state !== 'stopped') this.containerStopped();
      return;
    }
    const env = readHealthcheckEnv(target.env);
    if (env.problem !== null && env.problem !== this.reportedProblem) this.deps.log.warn(`${this.label}: ${env.problem}`);
    this.reportedProblem = env.problem;
    if (env.command === null) {
      this.deps.log.warn(`${this.label}: no HEALTHCHECK in its environment: nothing to check`);
      return this.end('no-healthcheck');
    }
    this.periodSeconds = env.periodSeconds;
    const key = discoveryKey(this.deps.prefix, target.imageName, target.id);
    const ttl = leaseTtlSeconds(env.periodSeconds);
    if (this.deps.etcd !== null && (this.key === null || this.key.key !== key || this.key.ttlSeconds !== ttl)) {
      this.deleteKey();
      this.key = new LeasedKey(this.deps.etcd, key, ttl);
    }
    let result: CheckResult;
    try {
      result = await runCheck(engine, target, env.command, checkTimeoutMs(env.periodSeconds), time);
    } catch (error) {
      this.deps.log.warn(`${this.label}: cannot run the check: ${(error as Error).message}`);
      return;
    }
    if (epoch !== this.epoch) return;
    this.deps.onResult?.(target, result);
    if (result.status === 'ok') {
      this.setStatus('healthy', 'the check passed');
      const leased = this.key;
      if (leased !== null) {
        const value = descriptionJson(describeContainer(target.inspect, this.deps.hostIp));
        this.etcd(() => leased.hold(value));
      }
    } else {
      this.setStatus('failing', describeFailure(result));
      this.deleteKey();
    }
  }

  /**
   * Deletes the key (revokes its lease). While etcd is unreachable, tries again until it takes
   * it, since an etcd restart revives leases and a key left would be a ghost; on shutdown, tries
   * once, so that a clean stop never hangs (the key then expires by its TTL).
   */
  private deleteKey(): void {
    const leased = this.key;
    if (leased === null) return;
    const retryMs = this.deps.etcdRetryMs ?? DEFAULT_ETCD_RETRY_MS;
    this.etcd(async () => {
      for (;;) {
        try {
          return await leased.release();
        } catch (error) {
          if (!(error instanceof EtcdError) || error.code !== 'ETCD_UNREACHABLE' || this.shuttingDown) throw error;
          await new Promise<void>((resolve) => this.deps.time.setTimeout(resolve, retryMs));
        }
      }
    });
  }

  /** etcd operations one after the other, in the order decided. Unreachable etcd is logged by the client's status, once. */
  private etcd(operation: () => Promise<void>): void {
    this.etcdChain = this.etcdChain.then(operation).catch((error: unknown) => {
      if (error instanceof EtcdError && error.code === 'ETCD_UNREACHABLE') return;
      this.deps.log.error(`${this.label}: etcd: ${(error as Error).message}`);
    });
  }
}
