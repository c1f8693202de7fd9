// bench/cluster: what a cluster of N hosts costs etcd and the view. One process simulates the N
// hosts: N real ClusterPublishers (one etcd client and one lease each, as N stevedores would
// have), each over a registry of 1 000 instances of which 1 % change state every second (one
// change per host every 100 ms). The view runs in a process of its own (bench/cluster-view.ts),
// a real ClusterView on one watch. For N = 1, 10, 50 it prints: etcd's write calls per second
// while steady and while changing (etcd's own gRPC counters), per state change; the view's RSS
// above its empty baseline, per instance (target: at most 2 KiB at 50 000); and the delay from a
// state change at a host to its arrival at the view, median and p99 (target: p99 under 1 s at
// N = 50). One etcd member on loopback.
import { fork } from 'node:child_process';
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { systemTime } from '../src/common/time.js';
import { EtcdClient } from '../src/etcd/index.js';
import { ClusterPublisher } from '../src/stevedore/integrations/cluster/publisher.js';
import type { RegistryListener } from '../src/stevedore/registry/events.js';
import type { RegistryEvents, RegistryReader } from '../src/stevedore/registry/ports.js';
import type { InstanceView, ServiceView } from '../src/stevedore/registry/records.js';
import { createLogger } from '../src/stevedore/logging/logger.js';
import { startEtcd } from '../test/harness/etcd.js';
import { tempDir } from '../test/harness/temp-dir.js';
import { waitFor } from '../test/harness/wait-for.js';
import { median } from './stats.js';

const INSTANCES = 1000;
const CHANGE_EVERY_MS = 100; // one change per host every 100 ms: 1 % of 1 000 per second
const STEADY_S = 6;
const CHANGING_S = 10;
const SIZES = [1, 10, 50];
const WRITES = ['Put', 'DeleteRange', 'Txn', 'LeaseGrant', 'LeaseKeepAlive', 'LeaseRevoke'];

function etcdWrites(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/metrics' }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => {
        let total = 0;
        for (const method of WRITES) {
          for (const m of text.matchAll(new RegExp(`^grpc_server_msg_received_total\\{[^}]*grpc_method="${method}"[^}]*\\} (\\d+)`, 'gm'))) total += Number(m[1]);
        }
        resolve(total);
      });
    })
      .on('error', reject)
      .end();
  });
}

/** A registry of one service and INSTANCES instances, as the publisher reads it through the ports. */
class SimulatedRegistry implements RegistryReader, RegistryEvents {
  private readonly listeners = new Set<RegistryListener>();
  private readonly instances = new Map<string, InstanceView>();
  constructor() {
    const now = Date.now();
    for (let i = 0; i < INSTANCES; i++) this.instances.set(`i${i}`, this.instance(`i${i}`, 'ok', now));
  }
  private instance(hostname: string, state: 'ok' | 'failing', at: number): InstanceView {
    const report = { exitCode: state === 'ok' ? 0 : 1, signal: null, timedOut: false, stdout: state, stderr: '', truncated: false, startedAt: null, durationMs: 5, value: null, version: null };
    return { service: 'app', hostname, report, address: '10.0.0.1', origin: 'report', receivedAt: at, receivedMonotonic: 0, reports: 1, failures: 0, consecutiveFailures: 0, state, stateSince: at, container: null, conflict: null };
  }
  /** One instance flips between ok and failing, as a report changing its state would. */
  change(): void {
    const hostname = `i${Math.floor(Math.random() * INSTANCES)}`;
    const before = this.instances.get(hostname)!;
    const to = before.state === 'ok' ? 'failing' : 'ok';
    const at = Date.now();
    this.instances.set(hostname, this.instance(hostname, to, at));
    for (const l of this.listeners) l({ kind: 'instance', service: 'app', hostname, from: before.state, to, at, exitCode: to === 'ok' ? 0 : 1, output: { stdout: to, stderr: '' } });
  }
  services(): readonly ServiceView[] {
    return [this.service('app')!];
  }
  service(name: string): ServiceView | undefined {
    if (name !== 'app') return undefined;
    return { name, description: '', state: 'ok', stateSince: 0, lastReport: null, counts: { ok: 0, starting: 0, failing: 0, stale: 0 }, instances: this.instances };
  }
  stats(): never {
    throw new Error('not read by the publisher');
  }
  subscribe(listener: RegistryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
};

const dir = tempDir('bench-cluster');
const etcd = await startEtcd(dir.path);
const log = createLogger({ level: 'error', stdout: true, syslog: null });
const rows: string[] = [];
try {
  for (const n of SIZES) {
    const cluster = `bench${n}`;
    const view = fork(new URL('./cluster-view.js', import.meta.url).pathname, [etcd.endpoint, cluster], { execArgv: ['--expose-gc'] });
    const answers: { instances?: number; rss: number; delays?: number[]; ready?: boolean }[] = [];
    view.on('message', (m) => answers.push(m as never));
    const ask = async (message: string): Promise<(typeof answers)[number]> => {
      const before = answers.length;
      view.send(message);
      await waitFor('the view to answer', () => answers.length > before, 60_000);
      return answers[answers.length - 1]!;
    };
    await waitFor('the view to start', () => answers.length > 0, 30_000);
    const baseRss = answers[0]!.rss;

    const hosts = Array.from({ length: n }, (_, i) => {
      const registry = new SimulatedRegistry();
      const client = new EtcdClient([{ host: '127.0.0.1', port: etcd.port }]);
      const publisher = new ClusterPublisher(client, registry, registry, cluster, `host${i}`, systemTime, log);
      publisher.start();
      return { registry, client, publisher };
    });
    await waitFor(`${n * INSTANCES} instances at the view`, async () => (await ask('stats')).instances === n * INSTANCES, 120_000, 500);

    const steady0 = await etcdWrites(etcd.port);
    await sleep(STEADY_S * 1000);
    const steady = ((await etcdWrites(etcd.port)) - steady0) / STEADY_S;

    view.send('measure');
    const changing0 = await etcdWrites(etcd.port);
    let changes = 0;
    const ticker = setInterval(() => {
      for (const h of hosts) h.registry.change();
      changes += hosts.length;
    }, CHANGE_EVERY_MS);
    await sleep(CHANGING_S * 1000);
    clearInterval(ticker);
    await sleep(1000); // the last changes reach the view
    const changing = ((await etcdWrites(etcd.port)) - changing0) / (CHANGING_S + 1);
    const stats = await ask('stop');
    const delays = stats.delays ?? [];
    const rssPerInstance = (stats.rss - baseRss) / (n * INSTANCES);
    rows.push(
      `N=${String(n).padStart(2)} instances=${String(n * INSTANCES).padStart(6)}  etcd writes/s steady ${steady.toFixed(1).padStart(6)}, changing ${changing.toFixed(1).padStart(6)} ` +
        `(${(changes / CHANGING_S).toFixed(0)} changes/s, ${((changing - steady) / (changes / CHANGING_S)).toFixed(2)} writes per change)  ` +
        `view RSS ${(stats.rss / 2 ** 20).toFixed(1)} MiB, ${(rssPerInstance / 1024).toFixed(2)} KiB/instance above its empty ${(baseRss / 2 ** 20).toFixed(1)} MiB  ` +
        `delay median ${median(delays).toFixed(0)} ms, p99 ${percentile(delays, 99).toFixed(0)} ms (${delays.length} changes)`,
    );
    for (const h of hosts) {
      await h.publisher.close();
      h.client.close();
    }
    console.log(rows[rows.length - 1]);
  }
  console.log('\nbench/cluster (one etcd member on loopback; N publishers in one process, the view in another):');
  for (const row of rows) console.log(row);
} finally {
  await etcd.stop();
  dir.remove();
}
process.exit(0);
