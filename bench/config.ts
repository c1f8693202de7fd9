// bench/config: reading a configuration costs time linear in its size.
// A file of N `service` statements (with a block every tenth) goes from text to the typed
// Config (tokens, nearley, interpretation) in-process, and through `loadConfig` with real m4;
// the median time per 1 000 statements at 10 000 is compared with that at 1 000, measured in
// the same run. Target: ratio <= 1.5 (linear; an O(n^2) step shows as about 10x).
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { interpret } from '../src/stevedore/config/interpret.js';
import { loadConfig } from '../src/stevedore/config/load.js';
import { parse } from '../src/stevedore/config/parse.js';
import { identityLineMap } from '../src/stevedore/config/synclines.js';
import { median } from './stats.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);

function configuration(services: number): string {
  const lines = ['# bench/config', 'listen 0.0.0.0:8990;', 'max-instances 100000;'];
  for (let i = 0; i < services; i++) {
    lines.push(i % 10 === 0 ? `service svc-${i} { description "service number ${i}"; ttl 30s; expire 10m; }` : `service svc-${i};`);
  }
  return `${lines.join('\n')}\n`;
}

function inProcess(text: string): number {
  const t0 = performance.now();
  const parsed = parse(text, 'bench.conf', identityLineMap('bench.conf'));
  if (!parsed.ok) throw new Error(parsed.error.format());
  const result = interpret(parsed.ast.statements, 'bench.conf', ['bench.conf']);
  if (!result.ok) throw new Error(result.errors[0]?.format());
  return performance.now() - t0;
}

async function throughM4(file: string): Promise<number> {
  const t0 = performance.now();
  const result = await loadConfig(file, { preprocessor: { kind: 'm4' } });
  if (!result.ok) throw new Error(result.errors[0]?.format());
  return performance.now() - t0;
}

async function perThousand(services: number): Promise<{ inProcess: number; m4: number }> {
  const text = configuration(services);
  const file = join(tmpdir(), `tallyman-bench-config-${process.pid}-${services}.conf`);
  writeFileSync(file, text);
  for (let i = 0; i < 3; i++) inProcess(text);
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    a.push(inProcess(text));
    b.push(await throughM4(file));
  }
  rmSync(file);
  return { inProcess: (median(a) * 1000) / services, m4: (median(b) * 1000) / services };
}

const small = await perThousand(1_000);
const large = await perThousand(10_000);
console.log(`bench/config (${RUNS} runs each, median time per 1 000 statements)`);
for (const [label, key] of [['text -> Config (parse + interpret)', 'inProcess'], ['loadConfig through m4', 'm4']] as const) {
  const ratio = large[key] / small[key];
  console.log(`  ${label}:`);
  console.log(`    1 000 statements: ${small[key].toFixed(2)} ms   10 000 statements: ${large[key].toFixed(2)} ms`);
  console.log(`    ratio ${ratio.toFixed(2)}x (target <= 1.5x, linear) ${ratio <= 1.5 ? 'ok' : 'OVER'}`);
}
