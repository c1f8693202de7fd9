import { systemTime, type Time } from '../common/time.js';

/**
 * Time as the session sees it: pings, request timeouts, reconnect and registration delays all
 * go through this, so tests drive them with a fake clock instead of sleeping. The common time
 * interface's monotonic clock and timers: the library never reads the wall clock.
 */
export type Timers = Pick<Time, 'monotonic' | 'setTimeout' | 'clearTimeout'>;

export const systemTimers: Timers = systemTime;
