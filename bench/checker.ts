// bench/checker: what the listener costs per monitored container, and what it writes to etcd.
// A real dockerd and etcd; N web containers (HEALTHCHECKPERIOD short) under one `checker
// listener`; for N = 0 (the baseline), 1, 10 and 30: the listener's CPU and RSS over a window
// in steady state, per container above the baseline, and etcd's write calls per container and
// minute (from etcd's own gRPC counters). Targets: per-container CPU and RSS at 10 and 30 within
// 2x of those at 1 (linear growth), and at most one lease renewal per check period.
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { CHECKER } from '../test/harness/built.js';
import { checkerWebImage } from '../test/harness/checker-images.js';
import { startDockerd } from '../test/harness/dockerd.js';
import { startEtcd } from '../test/harness/etcd.js';
import { startProcess } from '../test/harness/managed-process.js';
import { tempDir } from '../test/harness/temp-dir.js';
import { waitFor } from '../test/harness/wait-for.js';
import { cpuSeconds, residentMiB } from './cpu.js';

const PERIOD = Number(process.env.BENCH_CHECKER_PERIOD ?? 10);
const WINDOW_S = Number(process.env.BENCH_CHECKER_WINDOW ?? 30);
const SIZES = [0, 1, 10, 30];
const WRITES = ['Put', 'DeleteRange', 'Txn', 'LeaseGrant', 'LeaseKeepAlive', 'LeaseRevoke'];

/** etcd's count of write calls received so far, by method. */
function etcdWrites(port: number): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/metrics' }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => {
        const counts: Record<string, number> = {};
        for (const method of WRITES) {
          const m = new RegExp(`^grpc_server_msg_received_total\\{grpc_method="${method}"[^}]*\\} (\\d+)`, 'm').exec(text);
          counts[method] = Number(m?.[1] ?? 0);
        }
        resolve(counts);
      });
    })
      .on('error', reject)
      .end();
  });
}

interface Phase {
  n: number;
  cpuPerMin: number;
  rssMiB: number;
  writesPerMin: Record<string, number>;
}

const dir = tempDir('bench-checker');
const dockerd = await startDockerd();
const etcd = await startEtcd(dir.path);
const phases: Phase[] = [];
let listener: Awaited<ReturnType<typeof startProcess>> | undefined;
try {
  const web = await checkerWebImage(dockerd);
  listener = await startProcess({
    name: 'listener',
    command: process.execPath,
    args: [CHECKER, 'listener', `-etcd-host=${etcd.endpoint}`, '-stdout', '-syslog=false', '-loglevel=WARNING', '-host-ip=192.0.2.7'],
    dir: dir.path,
    env: dockerd.env,
    ready: () => true,
  });
  const pid = listener.pid;
  let running = 0;
  for (const n of SIZES) {
    while (running < n) {
      await dockerd.dockerOk(['run', '--detach', '--env', `HEALTHCHECKPERIOD=${PERIOD}`, web]);
      running++;
    }
    await waitFor(`${n} keys in etcd`, async () => (await etcd.keys('/SERVICE/')).length === n, 300_000, 500);
    await sleep(PERIOD * 1000); // steady state: every lease granted, renewals under way
    const cpu0 = cpuSeconds(pid);
    const writes0 = await etcdWrites(etcd.port);
    const t0 = performance.now();
    await sleep(WINDOW_S * 1000);
    const minutes = (performance.now() - t0) / 60_000;
    const writes1 = await etcdWrites(etcd.port);
    const writesPerMin: Record<string, number> = {};
    for (const method of WRITES) writesPerMin[method] = ((writes1[method] ?? 0) - (writes0[method] ?? 0)) / minutes;
    phases.push({ n, cpuPerMin: (cpuSeconds(pid) - cpu0) / minutes, rssMiB: residentMiB(pid).rss, writesPerMin });
  }
} finally {
  await listener?.stop();
  await etcd.stop();
  await dockerd.close();
  dir.remove();
}

const base = phases[0] as Phase;
const perContainer = (p: Phase) => ({ cpu: (p.cpuPerMin - base.cpuPerMin) / p.n, rss: (p.rssMiB - base.rssMiB) / p.n });
const one = perContainer(phases[1] as Phase);
console.log(`bench/checker (HEALTHCHECKPERIOD=${PERIOD} s, ${WINDOW_S} s windows in steady state)`);
console.log(`  idle listener: CPU ${(base.cpuPerMin * 1000).toFixed(0)} ms/min, RSS ${base.rssMiB.toFixed(1)} MiB`);
let linear = true;
for (const phase of phases.slice(1)) {
  const per = perContainer(phase);
  const cpuRatio = per.cpu / one.cpu;
  const rssRatio = one.rss > 0 ? per.rss / one.rss : NaN;
  const writes = Object.values(phase.writesPerMin).reduce((a, b) => a + b, 0) / phase.n;
  const renewals = (phase.writesPerMin.LeaseKeepAlive ?? 0) / phase.n;
  if (phase.n > 1 && cpuRatio > 2) linear = false;
  console.log(
    `  ${String(phase.n).padStart(2)} containers: CPU ${(phase.cpuPerMin * 1000).toFixed(0)} ms/min, RSS ${phase.rssMiB.toFixed(1)} MiB;` +
      ` per container CPU ${(per.cpu * 1000).toFixed(0)} ms/min (${cpuRatio.toFixed(2)}x the 1-container figure), RSS ${per.rss.toFixed(2)} MiB` +
      `${Number.isNaN(rssRatio) ? '' : ` (${rssRatio.toFixed(2)}x)`}; etcd writes ${writes.toFixed(1)}/min per container, of which lease renewals ${renewals.toFixed(1)}/min` +
      ` (target <= ${(60 / PERIOD).toFixed(1)}: one per period) ${renewals <= (60 / PERIOD) * 1.05 ? 'ok' : 'OVER'}`,
  );
}
console.log(`  per-container CPU within 2x of the 1-container figure at 10 and 30: ${linear ? 'ok' : 'OVER'}`);
