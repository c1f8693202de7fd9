import type { Time, TimerHandle } from '../common/time.js';
import { unb64, type EtcdClient } from './client.js';

export interface WatchEvent {
  type: 'put' | 'delete';
  key: string;
  /** '' for a delete. */
  value: string;
  modRevision: number;
}

export interface WatchHandlers {
  /** Changes in revision order. */
  onEvents(events: WatchEvent[]): void;
  /**
   * etcd has compacted away revisions the watch had not seen: read the prefix again (getPrefix)
   * and go on from `revision`, which the watch resumes after.
   */
  onCompacted(revision: number): void;
}

interface RawWatchResponse {
  header?: { revision?: string };
  created?: boolean;
  canceled?: boolean;
  compact_revision?: string;
  events?: { type?: 'PUT' | 'DELETE'; kv?: { key?: string; value?: string; mod_revision?: string } }[];
}

/**
 * A watch of every key under a prefix that survives reconnections: it resumes from the revision
 * after the last one it delivered, so no change is lost or delivered twice across an outage
 * (etcd keeps history until compaction; past it, onCompacted). Reconnects after retry(attempt) ms.
 */
export class PrefixWatch {
  private nextRevision: number;
  private stream: { close(): void } | undefined;
  private timer: TimerHandle | undefined;
  private attempt = 0;
  private closed = false;

  constructor(
    private readonly etcd: EtcdClient,
    private readonly prefix: string,
    fromRevision: number,
    private readonly handlers: WatchHandlers,
    private readonly time: Time,
    private readonly retry: (attempt: number) => number = (attempt) => Math.min(10_000, 500 * 2 ** (attempt - 1)),
  ) {
    this.nextRevision = fromRevision;
    this.connect();
  }

  close(): void {
    this.closed = true;
    this.stream?.close();
    if (this.timer !== undefined) this.time.clearTimeout(this.timer);
  }

  private connect(): void {
    this.stream = this.etcd.watchStream(this.prefix, this.nextRevision, (message) => this.onMessage(message as RawWatchResponse), () => this.reconnect());
  }

  private reconnect(): void {
    if (this.closed) return;
    this.stream?.close();
    this.attempt++;
    this.timer = this.time.setTimeout(() => {
      this.timer = undefined;
      if (!this.closed) this.connect();
    }, this.retry(this.attempt));
  }

  private onMessage(message: RawWatchResponse): void {
    if (this.closed) return;
    this.attempt = 0;
    if (message.compact_revision !== undefined && Number(message.compact_revision) > 0) {
      const revision = Number(message.header?.revision ?? message.compact_revision);
      this.nextRevision = revision + 1;
      this.handlers.onCompacted(revision);
      this.reconnect();
      return;
    }
    if (message.created && this.nextRevision === 0) this.nextRevision = Number(message.header?.revision ?? 0) + 1;
    const events = (message.events ?? []).map((e) => ({
      type: e.type === 'DELETE' ? ('delete' as const) : ('put' as const),
      key: unb64(e.kv?.key),
      value: unb64(e.kv?.value),
      modRevision: Number(e.kv?.mod_revision ?? 0),
    }));
    if (events.length === 0) return;
    this.nextRevision = (events[events.length - 1] as WatchEvent).modRevision + 1;
    this.handlers.onEvents(events);
  }
}
