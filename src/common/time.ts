/**
 * The one time interface, injected everywhere time matters, so that tests move it by hand
 * instead of sleeping.
 *
 * Two clocks, never mixed: `monotonic()` for every deadline, ttl, expiry, rate bucket, backoff
 * and timeout (it never steps, whatever happens to the system clock), and `wall()` only for the
 * timestamps people read (startedAt, receivedAt, stateSince). A clock step changes no state.
 */
export type TimerHandle = unknown;

export interface Time {
  /** Milliseconds on a monotonic clock, from an arbitrary origin. */
  monotonic(): number;
  /** Milliseconds since the epoch, as the system clock says now (it may step). */
  wall(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  setInterval(callback: () => void, ms: number): TimerHandle;
  clearInterval(handle: TimerHandle): void;
}

/** The process's real clocks and timers. */
export const systemTime: Time = {
  monotonic: () => performance.now(),
  wall: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  setInterval: (callback, ms) => setInterval(callback, ms),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

/**
 * The wall time at a monotonic instant: how a time kept on the monotonic clock is shown. Exact
 * for instants since the last clock step; earlier ones are shown as if the step had not happened.
 */
export function wallAt(time: Time, monotonic: number): number {
  return Math.round(time.wall() - (time.monotonic() - monotonic));
}
