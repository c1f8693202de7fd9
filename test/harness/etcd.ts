import { request } from 'node:http';
import { freePort } from './free-port.js';
import { startProcess, type ManagedProcess } from './managed-process.js';
import { requireTool } from './require-tool.js';
import { runCli } from './run-cli.js';

/**
 * A private etcd member on loopback as machine.md describes: its own data directory,
 * a client and a peer port of its own, fast elections. Stopped, killed and started again on the
 * same directory and ports, so leases and keys survive a restart as they would in production.
 */
export interface Etcd {
  /** '127.0.0.1:PORT', as checker's -etcd-host takes it. */
  endpoint: string;
  port: number;
  pid(): number | undefined;
  start(): Promise<void>;
  /** SIGKILL: no goodbye to anyone. */
  kill(): Promise<void>;
  /** SIGTERM, and wait for the exit. */
  stop(): Promise<void>;
  log(): string;
  /** `etcdctl --endpoints=ENDPOINT ARGS...` (API v3): its stdout; throws unless it exits 0. */
  ctl(args: readonly string[]): Promise<string>;
  /** The value of KEY, or null. */
  get(key: string): Promise<string | null>;
  /** Every key under PREFIX. */
  keys(prefix: string): Promise<string[]>;
  /** The lease of KEY as `etcdctl lease timetolive` shows it: granted TTL and remaining TTL. */
  leaseOf(key: string): Promise<{ id: string; grantedTtl: number; ttl: number } | null>;
}

export async function startEtcd(dir: string): Promise<Etcd> {
  const [member] = await etcdMembers(dir, 1);
  await (member as Etcd).start();
  return member as Etcd;
}

/**
 * A cluster of `size` members on loopback (machine.md: under a second to start with fast
 * elections), each with its own data directory under dir and its own ports; `endpoints` is what
 * etcd-endpoints takes. Members stop and start one by one; `stopAll`/`startAll` take the whole
 * cluster down and up again on the same data, as an outage would.
 */
export interface EtcdCluster {
  members: Etcd[];
  endpoints: string[];
  stopAll(): Promise<void>;
  startAll(): Promise<void>;
  /** etcdctl against every endpoint. */
  ctl(args: readonly string[]): Promise<string>;
}

export async function startEtcdCluster(dir: string, size = 3): Promise<EtcdCluster> {
  const members = await etcdMembers(dir, size);
  const cluster: EtcdCluster = {
    members,
    endpoints: members.map((m) => m.endpoint),
    // A member alone waits for its peers: they start together.
    startAll: async () => void (await Promise.all(members.map((m) => m.start()))),
    stopAll: async () => void (await Promise.all(members.map((m) => m.stop()))),
    ctl: (args) => (members[0] as Etcd).ctl([`--endpoints=${members.map((m) => m.endpoint).join(',')}`, ...args]),
  };
  await cluster.startAll();
  return cluster;
}

async function etcdMembers(dir: string, size: number): Promise<Etcd[]> {
  const etcdBin = requireTool('etcd', 'etcd-server');
  const etcdctl = requireTool('etcdctl', 'etcd-client');
  const ports: { client: number; peer: number; name: string }[] = [];
  for (let i = 0; i < size; i++) ports.push({ client: await freePort(), peer: await freePort(), name: size === 1 ? 't' : `m${i}` });
  const initialCluster = ports.map((p) => `${p.name}=http://127.0.0.1:${p.peer}`).join(',');
  return ports.map(({ client: port, peer, name }) => {
    const endpoint = `127.0.0.1:${port}`;
    let proc: ManagedProcess | undefined;
    const start = async (): Promise<void> => {
      if (proc !== undefined) throw new Error('etcd is running already');
      proc = await startProcess({
        name: size === 1 ? 'etcd' : `etcd-${name}`,
        command: etcdBin,
        args: [
          '--name', name,
          '--data-dir', size === 1 ? `${dir}/etcd-data` : `${dir}/etcd-${name}`,
          '--listen-client-urls', `http://${endpoint}`,
          '--advertise-client-urls', `http://${endpoint}`,
          '--listen-peer-urls', `http://127.0.0.1:${peer}`,
          '--initial-advertise-peer-urls', `http://127.0.0.1:${peer}`,
          '--initial-cluster', initialCluster,
          '--initial-cluster-token', `t-${ports[0]?.peer}`,
          '--heartbeat-interval', '10',
          '--election-timeout', '100',
        ],
        dir,
        ready: () => health(port),
      });
    };
    const ctl = async (args: readonly string[]): Promise<string> => {
      const endpoints = args.some((a) => a.startsWith('--endpoints=')) ? [] : [`--endpoints=${endpoint}`];
      const r = await runCli(etcdctl, [...endpoints, ...args], { env: { ...process.env, ETCDCTL_API: '3' } });
      if (r.code !== 0) throw new Error(`etcdctl ${args.join(' ')}: ${r.stderr.toString().trim()}`);
      return r.stdout.toString();
    };
    return {
      endpoint,
      port,
      pid: () => proc?.pid,
      start,
      async kill() {
        const p = proc;
        proc = undefined;
        p?.child.kill('SIGKILL');
        await p?.stop(1000);
      },
      async stop() {
        const p = proc;
        proc = undefined;
        await p?.stop(5000);
      },
      log: () => proc?.log() ?? '',
      ctl,
      async get(key) {
        const json = JSON.parse(await ctl(['get', key, '-w', 'json'])) as { kvs?: { value: string }[] };
        const value = json.kvs?.[0]?.value;
        return value === undefined ? null : Buffer.from(value, 'base64').toString('utf8');
      },
      async keys(prefix) {
        return (await ctl(['get', prefix, '--prefix', '--keys-only'])).split('\n').filter(Boolean);
      },
      async leaseOf(key) {
        // The lease is an int64 beyond JSON numbers' precision: read its digits from the text.
        const lease = /"lease":(\d+)/.exec(await ctl(['get', key, '-w', 'json']))?.[1];
        if (lease === undefined) return null;
        const id = BigInt(lease).toString(16);
        const ttl = /granted with TTL\((\d+)s\), remaining\((-?\d+)s\)/.exec(await ctl(['lease', 'timetolive', id]));
        if (ttl === null) return null;
        return { id, grantedTtl: Number(ttl[1]), ttl: Number(ttl[2]) };
      },
    };
  });
}

function health(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/health', timeout: 1000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(res.statusCode === 200 && body.includes('true')));
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(false));
    req.end();
  });
}
