// Runs the compiled benchmarks (dist/bench/*.js but the helpers), one after the other,
// or those named on the command line: npm run bench -- tallyman
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const HELPERS = new Set(['stats.js', 'cpu.js', 'agentx-subagent.js', 'collector-server.js', 'collector-server-services.js', 'collector-memory.js', 'bulk-walk.js', 'cluster-view.js']);
const only = process.argv.slice(2);
const benches = readdirSync('dist/bench')
  .filter((f) => f.endsWith('.js') && !HELPERS.has(f))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();
let failed = 0;
for (const file of benches) {
  const r = spawnSync(process.execPath, [`dist/bench/${file}`], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
