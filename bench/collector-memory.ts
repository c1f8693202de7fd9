// Memory per instance for bench/collector, in its own process (run with --expose-gc):
// RSS and heap after 10 000 instances with empty output, minus the same with none.
import { Registry } from '../src/stevedore/registry/registry.js';
import { systemTime } from '../src/common/time.js';
import { BENCH_SERVICES } from './collector-server-services.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const settle = (): NodeJS.MemoryUsage => {
  for (let i = 0; i < 4; i++) gc();
  return process.memoryUsage();
};

const services = BENCH_SERVICES.map((name) => ({ name, description: '', ttlMs: 90_000, expireMs: 3_600_000, maxInstances: null, declaredAt: { file: 'bench', line: 1, col: 1 } }));
const registry = new Registry({ services, maxInstances: 10_000, maxOutputBytes: 4096 }, systemTime);
const N = 10_000;
const before = settle();
for (let i = 0; i < N; i++) {
  const outcome = registry.accept(
    { service: BENCH_SERVICES[i % BENCH_SERVICES.length]!, hostname: `c${i.toString(16).padStart(12, '0')}`, exitCode: 0, signal: null, timedOut: false, stdout: '', stderr: '', truncated: false, startedAt: new Date().toISOString(), durationMs: 3, value: null, version: '0.1.0' },
    { origin: 'report', address: `172.17.${(i >> 8) & 255}.${i & 255}`, container: null },
  );
  if (!outcome.accepted) throw new Error(outcome.message);
}
const after = settle();
process.stdout.write(JSON.stringify({ instances: registry.stats().instances, rssPerInstance: (after.rss - before.rss) / N, heapPerInstance: (after.heapUsed - before.heapUsed) / N }) + '\n');
