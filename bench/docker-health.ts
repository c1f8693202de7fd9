// bench/docker-health: what following Docker's own health checks costs stevedore, and how soon
// a probe shows. A real dockerd; 20 busybox containers probing every 2 s (`true`); one stevedore
// with docker-socket and docker-health no (the baseline: the follower alone), then one with
// docker-health yes, each measured over the same window in steady state. Prints stevedore's CPU
// in both, their ratio, the CPU per probe above the baseline, and the delay from each probe's
// end (Docker's End) to the row carrying it (the row's receivedAt): median and worst.
import { setTimeout as sleep } from 'node:timers/promises';
import { startDockerd } from '../test/harness/dockerd.js';
import { freePort } from '../test/harness/free-port.js';
import { busyboxImage } from '../test/harness/images.js';
import { startStevedore, type RunningStevedore } from '../test/harness/stevedore.js';
import { tempDir } from '../test/harness/temp-dir.js';
import { waitFor } from '../test/harness/wait-for.js';
import { cpuSeconds } from './cpu.js';
import { median } from './stats.js';

const CONTAINERS = 20;
const INTERVAL_S = 2;
const WINDOW_S = Number(process.env.BENCH_DOCKER_HEALTH_WINDOW ?? 60);
const SAMPLE_S = 20;

interface Row {
  hostname: string;
  reports: number;
  startedAt: string | null;
  durationMs: number | null;
  receivedAt: string;
}

const rows = async (s: RunningStevedore): Promise<Row[]> => ((await s.get('/v1/services/busybox')).body as { instances?: Row[] }).instances ?? [];

const dir = tempDir('bench-docker-health');
const dockerd = await startDockerd();
let stevedore: RunningStevedore | undefined;
try {
  const image = await busyboxImage(dockerd);
  for (let i = 0; i < CONTAINERS; i++) {
    await dockerd.dockerOk(['run', '--detach', '--health-cmd', 'true', '--health-interval', `${INTERVAL_S}s`, image, 'sh', '-c', "trap 'exit 0' TERM; sleep 100000 & wait"]);
  }
  const cpuOver = async (s: RunningStevedore): Promise<number> => {
    const before = cpuSeconds(s.process.pid);
    await sleep(WINDOW_S * 1000);
    return cpuSeconds(s.process.pid) - before;
  };
  const run = async (health: boolean): Promise<RunningStevedore> =>
    startStevedore(dir, `docker-socket ${dockerd.socket}; docker-health ${health ? 'yes' : 'no'}; ttl 30s; service DB;`, { port: await freePort(), name: `stevedore-${health}` });

  stevedore = await run(false);
  await sleep(5000);
  const baseline = await cpuOver(stevedore);
  await stevedore.process.stop();

  stevedore = await run(true);
  await waitFor('every container fed', async () => (await rows(stevedore!)).length === CONTAINERS, 60_000, 250);
  await sleep(5000);
  const reportsBefore = (await rows(stevedore)).reduce((n, r) => n + r.reports, 0);
  const withHealth = await cpuOver(stevedore);
  const probes = (await rows(stevedore)).reduce((n, r) => n + r.reports, 0) - reportsBefore;

  // Delays: each probe's end (Docker's Start + duration) to the moment stevedore took it in.
  const delays = new Map<string, number>();
  for (let t = 0; t < SAMPLE_S * 4; t++) {
    for (const r of await rows(stevedore)) {
      if (r.startedAt === null || r.durationMs === null) continue;
      const end = Date.parse(r.startedAt) + r.durationMs;
      delays.set(`${r.hostname} ${r.startedAt}`, Date.parse(r.receivedAt) - end);
    }
    await sleep(250);
  }
  const all = [...delays.values()];
  console.log(`bench/docker-health: ${CONTAINERS} containers probing every ${INTERVAL_S} s, windows of ${WINDOW_S} s`);
  console.log(`  stevedore CPU, docker-health no (baseline): ${(baseline * 1000).toFixed(0)} ms`);
  console.log(`  stevedore CPU, docker-health yes:           ${(withHealth * 1000).toFixed(0)} ms for ${probes} probes fed`);
  console.log(`  ratio yes/no: ${(withHealth / Math.max(baseline, 0.01)).toFixed(2)}; CPU per probe above the baseline: ${(((withHealth - baseline) * 1000) / Math.max(probes, 1)).toFixed(2)} ms`);
  console.log(`  probe end -> row: median ${median(all).toFixed(0)} ms, worst ${Math.max(...all).toFixed(0)} ms over ${all.length} probes`);
} finally {
  await stevedore?.process.stop().catch(() => {});
  await dockerd.close();
  dir.remove();
}
