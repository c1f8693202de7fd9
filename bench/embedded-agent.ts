// bench/embedded-agent: `snmpbulkwalk -Cr50` of tallymanInstanceTable with 10 000 instances
// through stevedore's embedded agent (snmp-listen), against snmpd walking its own tree (mib-2:
// the physical reference of this machine) and against the AgentX path through snmpd, all in one
// run. Targets: embedded >= 0.5x snmpd's own-tree varbinds/s (stretch 1.0x), and stevedore's
// RSS with the embedded agent on at most 1.15x of it off (both with 10 000 instances, both
// after the same AgentX walks; "on" also after its embedded walks).
import { mkdirSync, writeFileSync } from 'node:fs';
import { instanceColumns } from '../src/stevedore/snmp/tallyman-mib.js';
import { STEVEDORE } from '../test/harness/built.js';
import { freePort } from '../test/harness/free-port.js';
import { MIB_DIRS } from '../test/harness/mib-tools.js';
import { startProcess, type ManagedProcess } from '../test/harness/managed-process.js';
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
const MIB2 = '.1.3.6.1.2.1';

const dir = tempDir('bench-embedded-agent');
const snmpd = await startSnmpd(dir.path, { config: ['agentXTimeout 5'] });
const persist = dir.file('client');
mkdirSync(persist);
const env = { PATH: process.env.PATH ?? '', SNMP_PERSISTENT_DIR: persist, MIBDIRS: MIB_DIRS, MIBS: 'TALLYMAN-MIB' };
const lineCount = (out: string) => out.split('\n').filter((l) => l !== '').length;
const bulkwalk = (agent: string, root: string, pids: { stevedore: number; snmpd: number }): Promise<Walk> =>
  measure(requireTool('snmpbulkwalk', 'snmp'), ['-v2c', '-c', 'public', '-On', '-Oq', '-Cr50', agent, root], env, pids, lineCount);

/** The median rate of RUNS walks after one warm-up; each must return `expected` varbinds (when given). */
async function rate(name: string, walk: () => Promise<Walk>, expected?: number): Promise<number> {
  await walk();
  const walks: Walk[] = [];
  for (let i = 0; i < RUNS; i++) {
    const w = await walk();
    if (expected !== undefined && w.varbinds !== expected) throw new Error(`${name} returned ${w.varbinds} varbinds, expected ${expected}`);
    walks.push(w);
  }
  const r = median(walks.map((w) => w.varbinds / w.seconds));
  console.log(`  ${name.padEnd(44)} ${(r / 1000).toFixed(1)}k varbinds/s (${walks[0]!.varbinds} varbinds)`);
  return r;
}

/** stevedore with INSTANCES instances under snmpd, with or without the embedded agent. */
async function stevedore(embedded: string | null): Promise<ManagedProcess> {
  const port = await freePort();
  const readPort = await freePort();
  const conf = dir.file(`stevedore-${embedded ? 'on' : 'off'}.conf`);
  stateFile(dir.file('state.json'), INSTANCES, SERVICES);
  writeFileSync(
    conf,
    [
      ...Array.from({ length: SERVICES }, (_, s) => `service svc${s};`),
      `listen 127.0.0.1:${port};`,
      `http-listen 127.0.0.1:${readPort};`,
      `agentx-socket ${snmpd.agentx};`,
      `state-file ${dir.file('state.json')};`,
      'log-level warn;',
      ...(embedded ? [`snmp-listen ${embedded};`] : []),
    ].join('\n'),
  );
  return startProcess({
    name: 'stevedore',
    command: process.execPath,
    args: [STEVEDORE, '-F', '-s', '-f', conf],
    dir: dir.path,
    ready: async () => {
      const h = (await (await fetch(`http://127.0.0.1:${readPort}/v1/health`)).json()) as { instances: number; agentx: { registrations: { state: string }[] }; snmp: { counters?: unknown } };
      return h.instances === INSTANCES && h.agentx.registrations[0]?.state === 'registered' && (embedded === null || h.snmp.counters !== undefined);
    },
  });
}

try {
  const expected = INSTANCES * COLUMNS;
  console.log(`bench/embedded-agent: snmpbulkwalk -Cr50, ${INSTANCES} instances (${expected} varbinds in tallymanInstanceTable), median of ${RUNS} runs`);
  const snmpdPid = snmpd.pid() as number;
  const own = await rate('snmpd, its own tree (mib-2)', () => bulkwalk(snmpd.agent, MIB2, { stevedore: snmpdPid, snmpd: snmpdPid }));

  const off = await stevedore(null);
  let rssOff: { rss: number; peak: number };
  let agentx: number;
  try {
    agentx = await rate('tallymanInstanceTable through snmpd (AgentX)', () => bulkwalk(snmpd.agent, TABLE, { stevedore: off.pid, snmpd: snmpdPid }), expected);
    rssOff = residentMiB(off.pid);
  } finally {
    await off.stop();
  }

  const address = `127.0.0.1:${await freePort()}`;
  const on = await stevedore(address);
  let rssOn: { rss: number; peak: number };
  let embedded: number;
  try {
    await rate('  (the same, stevedore with the embedded agent)', () => bulkwalk(snmpd.agent, TABLE, { stevedore: on.pid, snmpd: snmpdPid }), expected);
    embedded = await rate('tallymanInstanceTable, embedded agent', () => bulkwalk(address, TABLE, { stevedore: on.pid, snmpd: snmpdPid }), expected);
    rssOn = residentMiB(on.pid);
  } finally {
    await on.stop();
  }

  const speed = embedded / own;
  console.log(`  embedded / snmpd own tree: ${speed.toFixed(2)}x (target >= 0.5x, stretch 1.0x) ${speed >= 0.5 ? 'ok' : 'UNDER'}; embedded / AgentX path: ${(embedded / agentx).toFixed(2)}x`);
  const memory = rssOn.rss / rssOff.rss;
  console.log(
    `  stevedore RSS, embedded agent off: ${rssOff.rss.toFixed(1)} MiB (peak ${rssOff.peak.toFixed(1)}), on: ${rssOn.rss.toFixed(1)} MiB (peak ${rssOn.peak.toFixed(1)}): ` +
      `${memory.toFixed(2)}x (target <= 1.15x) ${memory <= 1.15 ? 'ok' : 'OVER'}`,
  );
} finally {
  await snmpd.stop();
  dir.remove();
}
