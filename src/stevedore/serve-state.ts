import type { Logger } from './logging/logger.js';
import type { StopReason } from './process/signal-inbox.js';

/**
 * A serving stevedore's one lifecycle value:
 * - serving: collecting, nothing else under way;
 * - reloading: a SIGHUP's reload is running (`again`: another SIGHUP came meanwhile, so one
 *   more reload follows; any number of them make one);
 * - stopping: SIGTERM or SIGINT (or the supervisor's end) came; a reload under way is
 *   abandoned, then everything closes and the state file is written;
 * - stopped: with the exit status.
 */
export type ServeState =
  | { readonly status: 'serving' }
  | { readonly status: 'reloading'; readonly done: Promise<void>; readonly again: boolean }
  | { readonly status: 'stopping'; readonly reason: StopReason; readonly done: Promise<number> }
  | { readonly status: 'stopped'; readonly code: number };

export interface ServeActions {
  /** Reads the configuration again and applies it; gives up when stevedore stops. */
  reload(): Promise<void>;
  /** Closes everything and writes the state; resolves to the exit status. */
  stop(): Promise<number>;
}

/** Runs reloads one at a time and a stop after them, changing and logging the state in one place. */
export class ServeLifecycle {
  private current: ServeState = { status: 'serving' };

  constructor(
    private readonly log: Logger,
    private readonly actions: ServeActions,
  ) {}

  get state(): ServeState {
    return this.current;
  }

  /** A SIGHUP. */
  reload(): void {
    const state = this.current;
    if (state.status === 'serving') this.startReload();
    else if (state.status === 'reloading' && !state.again) this.set({ ...state, again: true });
  }

  /** SIGTERM, SIGINT or the supervisor's end; resolves to the exit status (every call, the same). */
  stop(reason: StopReason): Promise<number> {
    const state = this.current;
    if (state.status === 'stopping') return state.done;
    if (state.status === 'stopped') return Promise.resolve(state.code);
    const reloading = state.status === 'reloading' ? state.done : Promise.resolve();
    const done = reloading.then(() => this.actions.stop()).then((code) => {
      this.set({ status: 'stopped', code });
      return code;
    });
    this.set({ status: 'stopping', reason, done });
    return done;
  }

  private startReload(): void {
    const done = this.actions
      .reload()
      .catch((error: unknown) => this.log.error({ error: (error as Error).message }, `configuration reload failed: ${(error as Error).message}`))
      .then(() => this.reloaded());
    this.set({ status: 'reloading', done, again: false });
  }

  private reloaded(): void {
    const state = this.current;
    if (state.status !== 'reloading') return;
    if (state.again) this.startReload();
    else this.set({ status: 'serving' });
  }

  private set(next: ServeState): void {
    const previous = this.current.status;
    this.current = next;
    if (next.status === 'stopping') this.log.info({ reason: next.reason }, `${next.reason}: stopping`);
    else if (next.status === 'stopped') this.log.info({ code: next.code }, 'stopped');
    else if (next.status === 'reloading' && previous !== 'reloading') this.log.info('SIGHUP: reloading the configuration');
    else this.log.debug({ from: previous, to: next.status }, `serve state: ${previous} -> ${next.status}`);
  }
}
