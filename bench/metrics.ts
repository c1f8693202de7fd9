// bench/metrics: what a Prometheus scrape costs against the JSON API, for 10 000 instances.
// One process: a registry of 10 services of 1 000 instances each (a line of output apiece, a
// third of them failing), the read listener on a loopback port. Timed over real HTTP, taking
// turns, median of BENCH_RUNS: GET /metrics; the baseline, GET /v1/services; and the JSON of
// every instance (GET /v1/services, then GET /v1/services/NAME for each service), since
// /v1/services alone lists services, not instances. Target: /metrics <= 1.0x of the baseline.
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { systemTime } from '../src/common/time.js';
import { buildReadApi } from '../src/stevedore/http/app.js';
import { Registry } from '../src/stevedore/registry/registry.js';
import { median } from './stats.js';

const SERVICES = 10;
const PER_SERVICE = 1_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const services = Array.from({ length: SERVICES }, (_, s) => ({ name: `svc${s}`, description: '', ttlMs: 3_600_000, expireMs: 3_600_000, maxInstances: null, declaredAt: { file: 'bench', line: 1, col: 1 } }));
const registry = new Registry({ services, maxInstances: SERVICES * PER_SERVICE, maxOutputBytes: 4096 }, systemTime);
for (let i = 0; i < SERVICES * PER_SERVICE; i++) {
  registry.accept(
    { service: `svc${i % SERVICES}`, hostname: `c${i.toString(16).padStart(12, '0')}`, exitCode: i % 3 === 0 ? 1 : 0, stdout: `HTTP ${i % 3 === 0 ? 503 : 200} in ${i % 97} ms\n` },
    { origin: 'report', address: '172.17.0.2', container: null },
  );
}
const reads = buildReadApi({
  registry,
  access: { httpAllow: [{ family: 4, address: '127.0.0.0', prefix: 8, text: '127.0.0.0/8' }], httpHosts: [], httpToken: null },
  logger: pino({ level: 'silent' }),
  time: systemTime,
  metrics: { reports: { entries: () => [] }, agentx: () => 'off' },
});
await reads.app.listen({ host: '127.0.0.1', port: 0 });
const base = `http://127.0.0.1:${(reads.app.server.address() as AddressInfo).port}`;

async function timed(paths: readonly string[]): Promise<{ ms: number; bytes: number }> {
  const t0 = performance.now();
  let bytes = 0;
  for (const path of paths) {
    const res = await fetch(`${base}${path}`);
    bytes += (await res.arrayBuffer()).byteLength;
    if (!res.ok) throw new Error(`${path}: ${res.status}`);
  }
  return { ms: performance.now() - t0, bytes };
}

const cases = {
  metrics: ['/metrics'],
  services: ['/v1/services'],
  everyInstance: ['/v1/services', ...services.map((s) => `/v1/services/${s.name}`)],
} as const;
const times: Record<keyof typeof cases, number[]> = { metrics: [], services: [], everyInstance: [] };
const bytes: Record<keyof typeof cases, number> = { metrics: 0, services: 0, everyInstance: 0 };
// Warm-up, then turns: a slow moment of the machine falls on all three alike.
for (const paths of Object.values(cases)) await timed(paths);
for (let run = 0; run < RUNS; run++) {
  for (const [name, paths] of Object.entries(cases) as [keyof typeof cases, readonly string[]][]) {
    const r = await timed(paths);
    times[name].push(r.ms);
    bytes[name] = r.bytes;
  }
}
reads.close();
await reads.app.close();

const m = median(times.metrics);
const s = median(times.services);
const e = median(times.everyInstance);
const kib = (n: number): string => `${(n / 1024).toFixed(0)} KiB`;
console.log(`bench/metrics: ${SERVICES * PER_SERVICE} instances in ${SERVICES} services, median of ${RUNS} runs`);
console.log(`  GET /metrics                          ${m.toFixed(1)} ms  (${kib(bytes.metrics)})`);
console.log(`  GET /v1/services (baseline)           ${s.toFixed(1)} ms  (${kib(bytes.services)})`);
console.log(`  the JSON of every instance            ${e.toFixed(1)} ms  (${kib(bytes.everyInstance)})`);
console.log(`  /metrics / GET /v1/services         = ${(m / s).toFixed(2)}x  (target <= 1.0x)`);
console.log(`  /metrics / JSON of every instance   = ${(m / e).toFixed(2)}x  (target <= 1.0x)`);
