// bench/agentx: stevedore under snmpd with 10 000 instances in its registry. Through AgentX,
// snmpd does real work for every varbind, so a good subagent is one that is never the
// bottleneck. For `snmpbulkwalk -Cr50` of tallymanInstanceTable and for `snmptable` of it:
// varbinds per second, and the CPU seconds stevedore used divided by those snmpd used during
// the same walk (utime+stime from /proc). Target: <= 1.0 for both. Also stevedore's RSS with
// 10 000 instances (target: <= 150 MB). bench/agentx-library measures the library alone.
import { mkdirSync, writeFileSync } from 'node:fs';
import { instanceColumns } from '../src/stevedore/snmp/tallyman-mib.js';
import { STEVEDORE } from '../test/harness/built.js';
import { freePort } from '../test/harness/free-port.js';
import { MIB_DIRS } from '../test/harness/mib-tools.js';
import { startProcess } from '../test/harness/managed-process.js';
import { requireTool } from '../test/harness/require-tool.js';
import { startSnmpd } from '../test/harness/snmpd.js';
import { tempDir } from '../test/harness/temp-dir.js';
import { measure, stateFile, type Walk } from './bulk-walk.js';
import { residentMiB } from './cpu.js';
import { median } from './stats.js';

const INSTANCES = Number(process.env.BENCH_ROWS ?? 10_000);
const SERVICES = 10;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
/** Every readable column of tallymanInstanceTable. */
const COLUMNS = Object.keys(instanceColumns).length;
const TABLE = '.1.3.6.1.4.1.8072.9999.8990.1.11';

const dir = tempDir('bench-stevedore-agentx');
// ttl 1h: the instances stay ok for the whole run, however slow the machine; a wave of 10 000
// instances going stale (and as many notifications) would be measured with the walks.
const snmpd = await startSnmpd(dir.path, { config: ['agentXTimeout 5'] });
const port = await freePort();
const readPort = await freePort();
const conf = dir.file('stevedore.conf');
stateFile(dir.file('state.json'), INSTANCES, SERVICES);
writeFileSync(conf, [...Array.from({ length: SERVICES }, (_, s) => `service svc${s} { ttl 1h; }`), `listen 127.0.0.1:${port};`, `http-listen 127.0.0.1:${readPort};`, `agentx-socket ${snmpd.agentx};`, `state-file ${dir.file('state.json')};`, 'log-level warn;'].join('\n'));
const stevedore = await startProcess({
  name: 'stevedore',
  command: process.execPath,
  // BENCH_NODE_ARGS: extra node options for stevedore, e.g. '--cpu-prof --cpu-prof-dir=/tmp/prof'.
  args: [...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []), STEVEDORE, '-F', '-s', '-f', conf],
  dir: dir.path,
  ready: async () => {
    const h = (await (await fetch(`http://127.0.0.1:${readPort}/v1/health`)).json()) as { instances: number; agentx: { registrations: { state: string }[] } };
    return h.instances === INSTANCES && h.agentx.registrations[0]?.state === 'registered';
  },
});
try {
  const pids = { stevedore: stevedore.pid, snmpd: snmpd.pid() as number };
  const persist = dir.file('client');
  mkdirSync(persist);
  const env = { PATH: process.env.PATH ?? '', SNMP_PERSISTENT_DIR: persist, MIBDIRS: MIB_DIRS, MIBS: 'TALLYMAN-MIB' };
  const expected = INSTANCES * COLUMNS;
  const lineCount = (out: string) => out.split('\n').filter((l) => l !== '').length;
  const kinds = {
    'snmpbulkwalk -Cr50': () => measure(requireTool('snmpbulkwalk', 'snmp'), ['-v2c', '-c', 'public', '-On', '-Oq', '-Cr50', snmpd.agent, TABLE], env, pids, lineCount),
    snmptable: () =>
      measure(requireTool('snmptable', 'snmp'), ['-v2c', '-c', 'public', '-Cf', '|', '-CH', '-Cr', '50', snmpd.agent, 'TALLYMAN-MIB::tallymanInstanceTable'], env, pids, (out) => lineCount(out) * COLUMNS),
  };
  await kinds['snmpbulkwalk -Cr50'](); // warm-up: JIT, snmpd's caches
  console.log(`bench/agentx: stevedore under snmpd, ${INSTANCES} instances (${expected} varbinds in tallymanInstanceTable), ${RUNS} runs each`);
  for (const [name, run] of Object.entries(kinds)) {
    const walks: Walk[] = [];
    for (let i = 0; i < RUNS; i++) {
      const w = await run();
      if (w.varbinds !== expected) throw new Error(`${name} returned ${w.varbinds} varbinds, expected ${expected}`);
      walks.push(w);
    }
    const rate = median(walks.map((w) => w.varbinds / w.seconds));
    const ratio = median(walks.map((w) => w.stevedoreCpu / w.snmpdCpu));
    console.log(`  ${name.padEnd(19)} ${(rate / 1000).toFixed(1)}k varbinds/s; stevedore/snmpd CPU ratio ${ratio.toFixed(2)} (target <= 1.0) ${ratio <= 1 ? 'ok' : 'OVER'}`);
  }
  const memory = residentMiB(stevedore.pid);
  console.log(`  stevedore RSS with ${INSTANCES} instances: ${memory.rss.toFixed(1)} MiB, peak ${memory.peak.toFixed(1)} MiB (target <= 150 MB = 143 MiB) ${memory.peak * 1.048576 <= 150 ? 'ok' : 'OVER'}`);
} finally {
  await stevedore.stop();
  await snmpd.stop();
  dir.remove();
}
