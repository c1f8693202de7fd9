import type { Time, TimerHandle } from '../../../common/time.js';
import { PrefixWatch, type EtcdClient, type KeyValue, type WatchEvent } from '../../../etcd/index.js';
import { noCounts, type StateCounts } from '../../registry/states.js';
import { clusterPrefix, parseClusterKey, parseInstanceRecord, type InstanceRecord } from './keys.js';
import type { ClusterConnection, ClusterHost, ClusterHostState, ClusterInstance, ClusterReader } from './reader.js';

interface HostEntry {
  state: ClusterHostState;
  since: number;
  /** Monotonic time the host was lost: its instances are removed an expire later. */
  lostAt: number | null;
  version: string;
  /** By `SERVICE/INSTANCE`. */
  instances: Map<string, ClusterInstance>;
}

export interface ClusterViewOptions {
  /** The expire of a service: its own when declared here, the global one otherwise. */
  expireMs(service: string): number;
  /** A host was lost (its lease expired) or came back. */
  onHost(host: string, state: ClusterHostState): void;
  /** An instance a host published was applied (bench/cluster measures the delay with it). */
  onInstance?(instance: ClusterInstance): void;
  /** How often lost hosts' instances are checked for expiry, and a failed first read retried. */
  tickMs?: number;
}

/**
 * The cluster view (cluster-view yes): every host's part of /tallyman/v1/CLUSTER/hosts/, read
 * once, then followed by one watch resumed from its revision after a disconnect (a full read
 * when etcd compacted that revision away). A host whose keys vanish (its lease expired) is lost:
 * its instances stay, shown stale with the reason, until their service's expire has passed.
 * Only deletions etcd itself made can lose a host: while the view is cut off from etcd it sees
 * none, says so (connection()), and keeps showing the last view it had.
 */
export class ClusterView implements ClusterReader {
  private readonly entries = new Map<string, HostEntry>();
  private link: { state: ClusterConnection['state']; since: number };
  private revision = 0;
  private watch: PrefixWatch | null = null;
  private timer: TimerHandle | null = null;
  private retry: TimerHandle | null = null;
  private closed = false;
  private readonly prefix: string;
  private changes = 0;

  constructor(
    private readonly etcd: EtcdClient,
    readonly cluster: string,
    private readonly time: Time,
    private readonly options: ClusterViewOptions,
  ) {
    this.prefix = clusterPrefix(cluster);
    this.link = { state: 'connecting', since: time.wall() };
  }

  start(): void {
    void this.firstRead();
    this.timer = this.time.setInterval(() => this.expire(), this.options.tickMs ?? 1000);
  }

  close(): void {
    this.closed = true;
    this.watch?.close();
    if (this.timer !== null) this.time.clearInterval(this.timer);
    if (this.retry !== null) this.time.clearTimeout(this.retry);
  }

  /** What the etcd client says of etcd (every call of this stevedore's one client goes through it). */
  etcdStatus(status: 'unknown' | 'reachable' | 'unreachable'): void {
    if (this.link.state === 'connecting') return;
    this.setLink(status === 'unreachable' ? 'cut-off' : 'watching');
  }

  hosts(): readonly ClusterHost[] {
    return [...this.entries.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([host, e]) => ({ host, state: e.state, since: e.since, version: e.version, counts: countsOf(e.instances.values()) }));
  }

  instancesOf(service: string): readonly ClusterInstance[] {
    const found: ClusterInstance[] = [];
    for (const host of [...this.entries.keys()].sort()) {
      for (const instance of this.entries.get(host)!.instances.values()) if (instance.service === service) found.push(instance);
    }
    return found.sort((a, b) => (a.host === b.host ? (a.instance < b.instance ? -1 : 1) : a.host < b.host ? -1 : 1));
  }

  instancesOnHost(host: string): readonly ClusterInstance[] {
    return [...(this.entries.get(host)?.instances.values() ?? [])];
  }

  generation(): number {
    return this.changes;
  }

  connection(): ClusterConnection {
    return { ...this.link, revision: this.revision };
  }

  private setLink(state: ClusterConnection['state']): void {
    if (state !== this.link.state) this.link = { state, since: this.time.wall() };
  }

  private async firstRead(): Promise<void> {
    try {
      await this.readAll();
    } catch {
      if (!this.closed) this.retry = this.time.setTimeout(() => void this.firstRead(), this.options.tickMs ?? 1000);
      return;
    }
    if (this.closed) return;
    this.watch = new PrefixWatch(this.etcd, this.prefix, this.revision + 1, {
      onEvents: (events) => this.apply(events),
      onCompacted: () => void this.readAll().catch(() => {}),
    }, this.time);
  }

  /** A full read: the hosts it holds are up, those it no longer holds are lost. */
  private async readAll(): Promise<void> {
    const { kvs, revision } = await this.etcd.readPrefix(this.prefix);
    const present = new Map<string, KeyValue[]>();
    for (const kv of kvs) {
      const key = parseClusterKey(this.cluster, kv.key);
      if (key === null) continue;
      const list = present.get(key.host) ?? [];
      list.push(kv);
      present.set(key.host, list);
    }
    for (const [host, entry] of this.entries) {
      if (!present.has(host) && entry.state === 'up') this.lose(host, entry);
    }
    for (const [host, list] of present) {
      const entry = this.entries.get(host);
      if (entry) entry.instances.clear();
      this.apply(list.map((kv) => ({ type: 'put', key: kv.key, value: kv.value, modRevision: kv.modRevision })), false);
    }
    this.revision = Math.max(this.revision, revision);
    this.setLink('watching');
  }

  private apply(events: readonly WatchEvent[], fromWatch = true): void {
    this.changes++;
    // The last word on each host's own record within these events (one revision of a rewrite or an expiry).
    const hostRecords = new Map<string, WatchEvent>();
    for (const event of events) {
      const key = parseClusterKey(this.cluster, event.key);
      if (key?.kind === 'host') hostRecords.set(key.host, event);
      if (event.modRevision > this.revision) this.revision = event.modRevision;
    }
    for (const [host, event] of hostRecords) {
      if (event.type !== 'put') continue;
      const entry = this.entries.get(host);
      const version = versionOf(event.value);
      if (entry === undefined) this.entries.set(host, { state: 'up', since: this.time.wall(), lostAt: null, version, instances: new Map() });
      else {
        entry.version = version;
        if (entry.state === 'lost') {
          entry.state = 'up';
          entry.since = this.time.wall();
          entry.lostAt = null;
          entry.instances.clear();
          this.options.onHost(host, 'up');
        }
      }
    }
    for (const event of events) {
      const key = parseClusterKey(this.cluster, event.key);
      if (key?.kind !== 'instance') continue;
      let entry = this.entries.get(key.host);
      const id = `${key.service}/${key.instance}`;
      if (event.type === 'put') {
        const record = parseInstanceRecord(event.value);
        if (record === null) continue;
        if (entry === undefined) {
          entry = { state: 'up', since: this.time.wall(), lostAt: null, version: '', instances: new Map() };
          this.entries.set(key.host, entry);
        }
        const instance: ClusterInstance = { ...record, host: key.host, service: key.service, instance: key.instance, reason: null };
        entry.instances.set(id, instance);
        this.options.onInstance?.(instance);
      } else if (entry !== undefined && entry.state === 'up' && hostRecords.get(key.host)?.type !== 'delete') {
        entry.instances.delete(id);
      }
    }
    for (const [host, event] of hostRecords) {
      const entry = this.entries.get(host);
      if (event.type === 'delete' && entry !== undefined && entry.state === 'up') this.lose(host, entry);
    }
    if (fromWatch) this.setLink(this.etcd.status === 'unreachable' ? 'cut-off' : 'watching');
  }

  private lose(host: string, entry: HostEntry): void {
    this.changes++;
    const at = this.time.wall();
    entry.state = 'lost';
    entry.since = at;
    entry.lostAt = this.time.monotonic();
    for (const [id, instance] of entry.instances) entry.instances.set(id, { ...instance, state: 'stale', stateSince: at, reason: 'host lost' });
    this.options.onHost(host, 'lost');
  }

  /** Lost hosts' instances go once their service's expire has passed; a host with none left goes too. */
  private expire(): void {
    const now = this.time.monotonic();
    for (const [host, entry] of this.entries) {
      if (entry.lostAt === null) continue;
      this.changes++;
      for (const [id, instance] of entry.instances) if (now - entry.lostAt >= this.options.expireMs(instance.service)) entry.instances.delete(id);
      // A lost host with no instances left stays listed for the default expire.
      if (entry.instances.size === 0 && now - entry.lostAt >= this.options.expireMs('')) this.entries.delete(host);
    }
  }
}

function countsOf(instances: Iterable<InstanceRecord>): StateCounts {
  const counts = noCounts();
  for (const i of instances) counts[i.state]++;
  return counts;
}

function versionOf(value: string): string {
  try {
    const version = (JSON.parse(value) as { version?: unknown }).version;
    return typeof version === 'string' ? version : '';
  } catch {
    return '';
  }
}
