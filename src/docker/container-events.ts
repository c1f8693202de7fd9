import type { Time, TimerHandle } from '../common/time.js';
import type { EngineApi } from './engine-api.js';
import type { ContainerEvent } from './engine-types.js';

/** Milliseconds to wait before reconnection attempt N (1, 2, ...). */
export type RetryDelay = (attempt: number) => number;

/** 0.5 s doubling to 10 s, for as long as dockerd is away. */
export const defaultEventsRetry: RetryDelay = (attempt) => Math.min(10_000, 500 * 2 ** (attempt - 1));

export type EventsStatus = 'connecting' | 'following' | 'reconnecting' | 'closed';

export interface ContainerEventHandlers {
  /**
   * The stream is open (first connection or a reconnection): events from now on will arrive, so
   * this is the moment to list containers and reconcile; nothing that starts meanwhile is missed.
   */
  onOpen(): void;
  onEvent(event: ContainerEvent): void;
  /** Each change of status, with why (the reason the stream ended). */
  onStatus?(status: EventsStatus, detail: string): void;
}

/**
 * Follows dockerd's container events with the given filters, reconnecting with backoff when the
 * stream ends (dockerd stopped or restarted). An epoch ignores a dead stream's late callbacks.
 */
export class ContainerEvents {
  private state: EventsStatus = 'connecting';
  private stream: { close(): void } | undefined;
  private timer: TimerHandle | undefined;
  private attempt = 0;
  private epoch = 0;

  constructor(
    private readonly engine: EngineApi,
    private readonly filters: Record<string, string[]>,
    private readonly handlers: ContainerEventHandlers,
    private readonly time: Time,
    private readonly retry: RetryDelay = defaultEventsRetry,
  ) {}

  get status(): EventsStatus {
    return this.state;
  }

  start(): void {
    this.connect();
  }

  close(): void {
    this.setStatus('closed', 'closed');
    this.epoch++;
    this.stream?.close();
    if (this.timer !== undefined) this.time.clearTimeout(this.timer);
  }

  private setStatus(status: EventsStatus, detail: string): void {
    if (this.state === status || this.state === 'closed') return;
    this.state = status;
    this.handlers.onStatus?.(status, detail);
  }

  private connect(): void {
    const epoch = ++this.epoch;
    this.stream = this.engine.events(
      { type: ['container'], ...this.filters },
      {
        onOpen: () => {
          if (epoch !== this.epoch) return;
          this.attempt = 0;
          this.setStatus('following', this.engine.socketPath);
          this.handlers.onOpen();
        },
        onEvent: (event) => {
          if (epoch === this.epoch) this.handlers.onEvent(event as ContainerEvent);
        },
        onEnd: (reason) => {
          if (epoch !== this.epoch || this.state === 'closed') return;
          this.setStatus('reconnecting', reason);
          this.attempt++;
          this.timer = this.time.setTimeout(() => {
            this.timer = undefined;
            if (this.state !== 'closed') this.connect();
          }, this.retry(this.attempt));
        },
      },
    );
  }
}
