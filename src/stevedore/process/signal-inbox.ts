import { CodedError } from '../../common/coded-error.js';
import { EarlySignals } from '../../common/early-signals.js';

export type StopReason = 'SIGTERM' | 'SIGINT' | 'supervisor gone';

/** Why work abandoned at a stop ended: `stopping`'s abort reason. */
export class StopRequested extends CodedError<'STOP_REQUESTED'> {
  constructor(readonly reason: StopReason) {
    super('STOP_REQUESTED', `${reason}: stopping`);
  }
}

export interface SignalHandlers {
  reload(): void;
  stop(reason: StopReason): void;
}

/**
 * Takes SIGHUP, SIGTERM and SIGINT from the moment it is made, so that no signal that arrives
 * during start-up (a `systemctl reload` right after a start) kills stevedore with the default
 * action. Until handlers are attached it remembers what came: a stop, which wins over a
 * reload, or one reload for any number of SIGHUPs.
 *
 * `stopping` aborts at the first stop, at once, whoever is attached: work that may hang (a
 * configuration load, at start-up or for a reload) takes it and gives up.
 */
export class SignalInbox {
  private readonly stopped = new AbortController();
  readonly stopping: AbortSignal = this.stopped.signal;
  private handlers: SignalHandlers | undefined;
  private stopPending: StopReason | undefined;
  private reloadPending = false;

  constructor() {
    new EarlySignals(['SIGTERM', 'SIGINT', 'SIGHUP'] as const).attach((signal) => (signal === 'SIGHUP' ? this.reload() : this.stop(signal)));
  }

  /** From now on signals go to these handlers; what came before is delivered now. */
  attach(handlers: SignalHandlers): void {
    this.handlers = handlers;
    if (this.stopPending) handlers.stop(this.stopPending);
    else if (this.reloadPending) handlers.reload();
    this.stopPending = undefined;
    this.reloadPending = false;
  }

  /** A stop for another reason than a signal (the supervisor that started this worker died). */
  stop(reason: StopReason): void {
    if (!this.stopping.aborted) this.stopped.abort(new StopRequested(reason));
    if (this.handlers) this.handlers.stop(reason);
    else this.stopPending ??= reason;
  }

  private reload(): void {
    if (this.handlers) this.handlers.reload();
    else this.reloadPending = true;
  }
}
