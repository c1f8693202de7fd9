// The cluster view of bench/cluster, in a process of its own so that its RSS is the view's:
// reads and watches the cluster given as argv (etcd endpoint, cluster name), and answers the
// parent's 'stats' message with the instances it holds, its RSS and the delays it saw from a
// state change at a host (the record's stateSince, same machine's wall clock) to its arrival.
import { systemTime } from '../src/common/time.js';
import { EtcdClient } from '../src/etcd/index.js';
import { ClusterView } from '../src/stevedore/integrations/cluster/view.js';

const [endpoint, cluster] = process.argv.slice(2) as [string, string];
const [host, port] = endpoint.split(':') as [string, string];
let delays: number[] = [];
let measuring = false;
const etcd = new EtcdClient([{ host, port: Number(port) }]);
const view = new ClusterView(etcd, cluster, systemTime, {
  expireMs: () => 3_600_000,
  onHost: () => {},
  onInstance: (instance) => {
    if (measuring) delays.push(Date.now() - instance.stateSince);
  },
});
view.start();
const gc = (globalThis as { gc?: () => void }).gc;
process.on('message', (message: string) => {
  if (message === 'measure') {
    measuring = true;
    delays = [];
    return;
  }
  gc?.();
  const instances = view.hosts().reduce((n, h) => n + h.counts.ok + h.counts.failing + h.counts.stale, 0);
  process.send?.({ instances, rss: process.memoryUsage().rss, delays });
  if (message === 'stop') {
    view.close();
    etcd.close();
    process.exit(0);
  }
});
process.send?.({ ready: true, rss: (gc?.(), process.memoryUsage().rss) });
