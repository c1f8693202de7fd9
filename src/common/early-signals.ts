/**
 * Takes signals from the moment it is made, so that one that comes while a program starts does
 * not end it by its default action. Make it at the entry point's first line, before the rest of
 * the program loads (with import()): until then, the only gap left is Node.js's own start-up,
 * which resets every handler (no launcher can close it). Signals that come before a handler is
 * attached are kept, in order, and handed to it when it is.
 */
export class EarlySignals<S extends NodeJS.Signals> {
  private readonly held: S[] = [];
  private handler: ((signal: S) => void) | undefined;
  private readonly take = (signal: S): void => {
    if (this.handler) this.handler(signal);
    else this.held.push(signal);
  };

  constructor(private readonly signals: readonly S[]) {
    for (const signal of signals) process.on(signal, this.take);
  }

  /** From now on the signals go to `handler`; those that came before are handed to it now. */
  attach(handler: (signal: S) => void): void {
    this.handler = handler;
    for (const signal of this.held.splice(0)) handler(signal);
  }

  /**
   * Gives the signals back their default action, for a program that does not handle them after
   * all; a signal kept and never handed on is raised again, to end the process as it would have.
   */
  release(): void {
    for (const signal of this.signals) process.removeListener(signal, this.take);
    const first = this.held.shift();
    if (first !== undefined) process.kill(process.pid, first);
  }
}
