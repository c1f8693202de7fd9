export type StopReason = 'SIGTERM' | 'SIGINT' | 'supervisor gone';

export interface SignalHandlers {
  reload(): void;
  stop(reason: StopReason): void;
}

/**
 * Takes SIGHUP, SIGTERM and SIGINT from the moment it is made, so that no signal that arrives
 * during start-up (a `systemctl reload` right after a start) kills stevedore with the default
 * action. Until handlers are attached it remembers what came: a stop, which wins over a
 * reload, or one reload for any number of SIGHUPs.
 */
export class SignalInbox {
  private handlers: SignalHandlers | undefined;
  private stopPending: StopReason | undefined;
  private reloadPending = false;

  constructor() {
    process.on('SIGHUP', () => this.reload());
    process.on('SIGTERM', () => this.stop('SIGTERM'));
    process.on('SIGINT', () => this.stop('SIGINT'));
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
    if (this.handlers) this.handlers.stop(reason);
    else this.stopPending ??= reason;
  }

  private reload(): void {
    if (this.handlers) this.handlers.reload();
    else this.reloadPending = true;
  }
}
