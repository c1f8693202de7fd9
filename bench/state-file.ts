// bench/state-file: saving a large registry leaves the event loop free.
// 10 000 instances with 4 KiB of stdout and 4 KiB of stderr each (about 80 MB of JSON) are saved
// with the state file's own writer while perf_hooks.monitorEventLoopDelay watches; the baseline,
// measured in the same run, is what the earlier writer did: one JSON.stringify of everything.
// Target: the longest event-loop block during a save <= 0.1x of the baseline's block. The delays
// are wall time: on a loaded machine they include the moments the process was not scheduled at
// all, which neither writer can help (test/stevedore/persistence/snapshot.test.ts checks the
// slice size, which load does not move).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pino from 'pino';
import { systemTime } from '../src/common/time.js';
import { StateFile } from '../src/stevedore/persistence/state-file.js';
import { Registry } from '../src/stevedore/registry/registry.js';
import { median } from './stats.js';

const N = 10_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const output = 'x'.repeat(4096);
const services = ['DB', 'web', 'cache', 'queue'].map((name) => ({ name, description: '', ttlMs: 3_600_000, expireMs: 3_600_000, maxInstances: null, declaredAt: { file: 'bench', line: 1, col: 1 } }));
const registry = new Registry({ services, maxInstances: N, maxOutputBytes: 4096 }, systemTime);
for (let i = 0; i < N; i++) {
  registry.accept({ service: services[i % services.length]!.name, hostname: `c${i.toString(16).padStart(12, '0')}`, exitCode: 0, stdout: output, stderr: output }, { origin: 'report', address: '172.17.0.2', container: null });
}
const dir = mkdtempSync(join(tmpdir(), 'bench-state-file-'));

async function sliced(run: number): Promise<{ max: number; p99: number }> {
  // A report in between: the saved generation moves, so each run writes the whole file.
  registry.accept({ service: 'DB', hostname: 'c000000000000', exitCode: run % 2 }, { origin: 'report', address: '172.17.0.2', container: null });
  const file = new StateFile(join(dir, 'state.json'), registry, systemTime, pino({ level: 'silent' }));
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const ok = await file.save();
  histogram.disable();
  if (!ok) throw new Error('save failed');
  // The histogram holds the delay of each loop iteration (ns), less the 1 ms resolution.
  return { max: histogram.max / 1e6, p99: histogram.percentile(99) / 1e6 };
}

function whole(): number {
  const t0 = performance.now();
  const text = JSON.stringify(registry.snapshot());
  if (text.length < N * 8192) throw new Error('short');
  return performance.now() - t0;
}

const baseline: number[] = [];
const blocks: number[] = [];
const p99s: number[] = [];
for (let run = 0; run < RUNS; run++) {
  baseline.push(whole());
  const { max, p99 } = await sliced(run);
  blocks.push(max);
  p99s.push(p99);
}
rmSync(dir, { recursive: true, force: true });
const ratio = median(blocks) / median(baseline);
console.log(`bench/state-file: ${N} instances x 8 KiB output, ${RUNS} runs`);
console.log(`  one JSON.stringify of everything (baseline): median ${median(baseline).toFixed(1)} ms`);
console.log(`  longest event-loop block during a sliced save: median ${median(blocks).toFixed(1)} ms, max ${Math.max(...blocks).toFixed(1)} ms; p99 of loop delays ${median(p99s).toFixed(1)} ms`);
console.log(`  ratio ${ratio.toFixed(3)}x (target <= 0.1x)`);
process.exitCode = ratio <= 0.1 ? 0 : 1;
