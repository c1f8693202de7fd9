// bench/collector: the collector's throughput against a bare fastify route on the same machine,
// and its memory per instance.
// - autocannon, 50 connections, POSTing realistic tallyman reports spread over 10 000 distinct
//   instances; bare and stevedore alternate, three times each. Target: >= 0.7x the bare route's
//   requests/s, no errors.
// - RSS after 10 000 instances with empty output minus RSS with none. Target: <= 2 KiB each.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { BENCH_SERVICES } from './collector-server-services.js';

const SERVER = fileURLToPath(new URL('./collector-server.js', import.meta.url));
const MEMORY = fileURLToPath(new URL('./collector-memory.js', import.meta.url));
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 8);
const INSTANCES = 10_000;
const ROUNDS = 3;

async function startServer(kind: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [SERVER, kind], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  return { child, port: Number(chunk.toString().trim()) };
}

function reportBody(i: number): string {
  return JSON.stringify({
    service: BENCH_SERVICES[i % BENCH_SERVICES.length],
    hostname: `c${(i % INSTANCES).toString(16).padStart(12, '0')}`,
    exitCode: i % 17 === 0 ? 1 : 0,
    signal: null,
    timedOut: false,
    stdout: 'mysqld is alive\n',
    stderr: '',
    truncated: false,
    startedAt: '2026-11-23T10:00:00.000Z',
    durationMs: 7,
    value: null,
    version: '0.1.0',
  });
}

/** Made once, so the load generator spends its time sending, not serialising. */
const BODIES = Array.from({ length: INSTANCES }, (_, i) => reportBody(i));

async function load(kind: string): Promise<{ rps: number; errors: number; non2xx: number }> {
  const { child, port } = await startServer(kind);
  let i = 0;
  try {
    const result = await autocannon({
      url: `http://127.0.0.1:${port}`,
      connections: 50,
      duration: DURATION_S,
      requests: [
        {
          method: 'POST',
          path: '/v1/report',
          headers: { 'content-type': 'application/json' },
          setupRequest: (req) => ({ ...req, body: BODIES[i++ % INSTANCES] as string }),
        },
      ],
    });
    return { rps: result.requests.average, errors: result.errors + result.timeouts, non2xx: result.non2xx };
  } finally {
    child.kill();
    await once(child, 'exit');
  }
}

const runs: Record<string, { rps: number; errors: number; non2xx: number }[]> = { bare: [], stevedore: [] };
for (let round = 0; round < ROUNDS; round++) {
  for (const kind of ['bare', 'stevedore']) runs[kind]!.push(await load(kind));
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const bare = mean(runs.bare!.map((r) => r.rps));
const ours = mean(runs.stevedore!.map((r) => r.rps));
const failures = runs.stevedore!.reduce((n, r) => n + r.errors + r.non2xx, 0);
const ratio = ours / bare;

const memory = JSON.parse(execFileSync(process.execPath, ['--expose-gc', MEMORY]).toString()) as { instances: number; rssPerInstance: number; heapPerInstance: number };

console.log(`bench/collector (autocannon, 50 connections, ${DURATION_S} s per run, ${ROUNDS} runs each, alternating, ${INSTANCES} instances)`);
console.log(`  bare fastify route:   ${bare.toFixed(0)} requests/s`);
console.log(`  stevedore collector:  ${ours.toFixed(0)} requests/s, ${failures} errors or non-2xx`);
console.log(`  throughput ratio ${ratio.toFixed(2)}x (target >= 0.70x) ${ratio >= 0.7 && failures === 0 ? 'ok' : 'BELOW TARGET'}`);
console.log(`  memory per instance (${memory.instances} instances, empty output): RSS ${(memory.rssPerInstance / 1024).toFixed(2)} KiB, heap ${(memory.heapPerInstance / 1024).toFixed(2)} KiB (target RSS <= 2 KiB) ${memory.rssPerInstance <= 2048 ? 'ok' : 'OVER'}`);
