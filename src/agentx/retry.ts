/**
 * How long to wait before reconnect attempt `attempt` (1 for the first retry after a loss), in
 * ms; null to stop trying (the subagent then closes). Injected, as ioredis does.
 */
export type RetryStrategy = (attempt: number) => number | null;

/**
 * 100 ms, doubling, at most 1 s: a restarted snmpd is found within a second of it listening,
 * and a connect attempt to a local socket costs next to nothing.
 */
export const defaultRetryStrategy: RetryStrategy = (attempt) => Math.min(100 * 2 ** Math.max(0, attempt - 1), 1000);
