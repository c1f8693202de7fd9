// bench/agentx-library: is the AgentX library itself ever the bottleneck behind snmpd?
// A private snmpd, and our subagent in a child process serving a 10 000-row table shaped like
// tallymanInstanceTable (bench/agentx-subagent.ts). `snmpbulkwalk -Cr50` of the table, several
// times: varbinds per second, and the CPU seconds the subagent used divided by those snmpd
// used during the same walk (utime+stime from /proc before and after). Target: <= 1.0.
// Baseline in the same run: snmpd walking its own tree. Also the subagent's RSS.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startSnmpd, type Snmpd } from '../test/harness/snmpd.js';
import { requireTool } from '../test/harness/require-tool.js';
import { tempDir } from '../test/harness/temp-dir.js';
import { BENCH_COLUMNS, BENCH_ENTRY } from './agentx-subagent.js';
import { cpuSeconds, residentMiB } from './cpu.js';
import { median } from './stats.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SUBAGENT = fileURLToPath(new URL('./agentx-subagent.js', import.meta.url));

interface Walk {
  varbinds: number;
  seconds: number;
  subagentCpu: number;
  snmpdCpu: number;
}

/** Runs snmpbulkwalk -Cr50 of oid, counting the varbinds it prints (one line each with -Oq). */
function bulkwalk(snmpd: Snmpd, oids: readonly string[], subagentPid?: number): Promise<Walk> {
  return new Promise((resolve, reject) => {
    const snmpdPid = snmpd.pid() as number;
    const before = { sub: subagentPid === undefined ? 0 : cpuSeconds(subagentPid), snmpd: cpuSeconds(snmpdPid) };
    const t0 = performance.now();
    let varbinds = 0;
    let walks = 0;
    let failed = '';
    for (const oid of oids) {
      const child = spawn(requireTool('snmpbulkwalk', 'snmp'), ['-v2c', '-c', 'public', '-On', '-Oq', '-Cr50', snmpd.agent, oid], { env: snmpd.clientEnv, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.on('data', (chunk: Buffer) => {
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) varbinds++;
      });
      child.stderr.on('data', (chunk: Buffer) => (failed += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => {
        if (code !== 0) failed += `snmpbulkwalk ${oid} exited ${code}\n`;
        if (++walks < oids.length) return;
        const seconds = (performance.now() - t0) / 1000;
        if (failed) return reject(new Error(failed));
        resolve({
          varbinds,
          seconds,
          subagentCpu: subagentPid === undefined ? 0 : cpuSeconds(subagentPid) - before.sub,
          snmpdCpu: cpuSeconds(snmpdPid) - before.snmpd,
        });
      });
    }
  });
}

const dir = tempDir('bench-agentx');
const snmpd = await startSnmpd(dir.path);
const child = spawn(process.execPath, [SUBAGENT, snmpd.agentx, String(ROWS)], { stdio: ['ignore', 'pipe', 'inherit'] });
try {
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the subagent exited (${code}) before it was ready`)));
  });
  const table = BENCH_ENTRY.join('.');
  const expected = ROWS * BENCH_COLUMNS.length;
  await bulkwalk(snmpd, [table], child.pid); // warm-up: JIT, snmpd's caches

  console.log(`bench/agentx: snmpbulkwalk -Cr50 of a ${ROWS}-row, ${BENCH_COLUMNS.length}-column table (${expected} varbinds) through snmpd`);
  const walks: Walk[] = [];
  for (let i = 0; i < RUNS; i++) {
    const w = await bulkwalk(snmpd, [table], child.pid);
    if (w.varbinds !== expected) throw new Error(`walk ${i + 1} returned ${w.varbinds} varbinds, expected ${expected}`);
    walks.push(w);
    console.log(
      `  walk ${i + 1}: ${(w.varbinds / w.seconds / 1000).toFixed(1)}k varbinds/s (${w.seconds.toFixed(2)} s); CPU subagent ${w.subagentCpu.toFixed(2)} s, snmpd ${w.snmpdCpu.toFixed(2)} s: ratio ${(w.subagentCpu / w.snmpdCpu).toFixed(2)}`,
    );
  }
  const rate = median(walks.map((w) => w.varbinds / w.seconds));
  const ratio = median(walks.map((w) => w.subagentCpu / w.snmpdCpu));

  // Baseline: snmpd answering from its own tree (no AgentX in the path), the same way.
  const own = ['1.3.6.1.2.1', '1.3.6.1.6.3'];
  const baselines: Walk[] = [];
  for (let i = 0; i < 5; i++) baselines.push(await bulkwalk(snmpd, own));
  const ownRate = median(baselines.map((w) => w.varbinds / w.seconds));
  const memory = residentMiB(child.pid as number);

  console.log(`  median: ${(rate / 1000).toFixed(1)}k varbinds/s; subagent/snmpd CPU ratio ${ratio.toFixed(2)} (target <= 1.0) ${ratio <= 1 ? 'ok' : 'OVER'}`);
  console.log(`  baseline, snmpd's own tree: ${(ownRate / 1000).toFixed(1)}k varbinds/s (${baselines[0]?.varbinds} varbinds); through our subagent: ${(rate / ownRate).toFixed(2)}x of that`);
  console.log(`  subagent RSS with ${ROWS} rows: ${memory.rss.toFixed(1)} MiB (peak ${memory.peak.toFixed(1)} MiB)`);
} finally {
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  await snmpd.stop();
  dir.remove();
}
