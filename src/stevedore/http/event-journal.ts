import type { RegistryEvents } from '../registry/ports.js';
import { isStateChange, type RegistryEvent, type RemovalCause } from '../registry/events.js';
import { output1Line } from '../../common/output-line.js';

/**
 * A state change as /v1/events sends it: the same change the log line (state-log.ts) and the
 * notification describe. `instance` is the hostname; null states stand for "absent".
 */
export type ChangeEvent =
  | {
      id: string;
      kind: 'instance';
      service: string;
      instance: string;
      from: string | null;
      to: string | null;
      at: string;
      exitCode: number;
      /** The last report's first output line, as tallymanInstanceOutput1Line. */
      output: string;
      cause: RemovalCause | null;
    }
  | { id: string; kind: 'service'; service: string; from: string | null; to: string | null; at: string };

/** Where a client's Last-Event-ID stands against the journal. */
export type Resume = { kind: 'replay'; events: readonly ChangeEvent[] } | { kind: 'lost'; reason: string };

export const JOURNAL_SIZE = 1000;

/**
 * The last JOURNAL_SIZE state changes, numbered, so a client that reconnects with Last-Event-ID
 * gets what it missed. An id is `RUN.N`: RUN names this journal (a restart starts a new one, so
 * an id from before it is not mistaken for one of now), N counts from 1.
 */
export class EventJournal {
  private readonly events: ChangeEvent[] = [];
  private next = 1;
  private readonly listeners = new Set<(event: ChangeEvent) => void>();
  private readonly unsubscribe: () => void;

  constructor(
    registry: RegistryEvents,
    private readonly run: string,
    private readonly size = JOURNAL_SIZE,
  ) {
    this.unsubscribe = registry.subscribe((event) => this.record(event));
  }

  /** The id of the newest event; `RUN.0` before any. */
  lastId(): string {
    return `${this.run}.${this.next - 1}`;
  }

  /** Every change after `lastId`, or why they cannot be had (older than the journal, another run, not an id). */
  since(lastId: string): Resume {
    const match = /^([^.]+)\.(\d+)$/.exec(lastId.trim());
    if (!match) return { kind: 'lost', reason: `'${lastId.slice(0, 40)}' is not an event id` };
    if (match[1] !== this.run) return { kind: 'lost', reason: 'stevedore restarted since that event' };
    const n = Number(match[2]);
    if (n >= this.next) return { kind: 'lost', reason: 'that event is not known here' };
    const oldest = this.next - this.events.length;
    if (n < oldest - 1) return { kind: 'lost', reason: `that event is older than the last ${this.size} kept` };
    return { kind: 'replay', events: this.events.slice(n - oldest + 1) };
  }

  /** Returns the function that stops listening. */
  listen(listener: (event: ChangeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.unsubscribe();
    this.listeners.clear();
  }

  private record(event: RegistryEvent): void {
    if (!isStateChange(event)) return;
    const id = `${this.run}.${this.next++}`;
    const at = new Date(event.at).toISOString();
    const change: ChangeEvent =
      event.kind === 'instance'
        ? { id, kind: 'instance', service: event.service, instance: event.hostname, from: event.from, to: event.to, at, exitCode: event.exitCode,
            output: output1Line(event.output.stdout, event.output.stderr), cause: event.cause ?? null }
        : { id, kind: 'service', service: event.service, from: event.from, to: event.to, at };
    this.events.push(change);
    if (this.events.length > this.size) this.events.shift();
    for (const listener of this.listeners) listener(change);
  }
}
