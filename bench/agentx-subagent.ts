// The subagent bench/agentx measures, in a process of its own so that its CPU time can be read:
// a synthetic table shaped like tallymanInstanceTable (INDEX service name, hostname; eleven
// columns of mixed types, two of them 100-byte strings), values read live per request as a
// producer would. Prints 'ready' once snmpd routes the subtree to it; closes on SIGTERM.
// Usage: node agentx-subagent.js AGENTX-ADDRESS ROWS
import { pathToFileURL } from 'node:url';
import {
  MibViewBuilder,
  Subagent,
  counter32,
  gauge32,
  integer32,
  octetString,
  parseOid,
  rowIndex,
  stringIndex,
  timeTicks,
  type TableRow,
  type Value,
} from '../src/agentx/index.js';

export const BENCH_BASE = parseOid('1.3.6.1.4.1.8072.9999.9999.7');
export const BENCH_ENTRY = [...BENCH_BASE, 2, 1];
export const BENCH_COLUMNS = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

interface Instance {
  service: string;
  hostname: string;
  state: number;
  exitCode: number;
  stdout: string;
  stderr: string;
  value: string;
  lastReport: Date;
  reports: number;
  failures: number;
  address: string;
}

/** RFC 2579 DateAndTime, 8 octets (UTC, no offset). */
function dateAndTime(d: Date): Value {
  const b = Buffer.alloc(8);
  b.writeUInt16BE(d.getUTCFullYear(), 0);
  b.set([d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), Math.floor(d.getUTCMilliseconds() / 100)], 2);
  return octetString(b);
}

function instances(count: number): Instance[] {
  const perService = 100;
  const started = Date.now();
  return Array.from({ length: count }, (_, i) => {
    const service = `service-${String(Math.floor(i / perService)).padStart(3, '0')}`;
    const hostname = (0x3f2a9c1b7d4en + BigInt(i) * 7919n).toString(16).slice(-12);
    return {
      service,
      hostname,
      state: 1 + (i % 3),
      exitCode: i % 7 === 0 ? 1 : 0,
      stdout: `mysqld is alive; connections=${String(i).padStart(6, '0')} `.padEnd(100, 'o'),
      stderr: `warning: slow query log enabled for ${hostname} `.padEnd(100, 'e'),
      value: JSON.stringify({ lag: i % 17 }),
      lastReport: new Date(started - (i % 60) * 1000),
      reports: 1000 + i,
      failures: i % 13,
      address: `172.17.${Math.floor(i / 250)}.${(i % 250) + 2}`,
    };
  });
}

function row(instance: Instance): TableRow {
  return {
    index: rowIndex(stringIndex(instance.service), stringIndex(instance.hostname)),
    value(column) {
      switch (column) {
        case 2: return integer32(instance.state);
        case 3: return integer32(instance.exitCode);
        case 4: return octetString(instance.stdout, 4096);
        case 5: return octetString(instance.stderr, 4096);
        case 6: return octetString(instance.value, 4096);
        case 7: return dateAndTime(instance.lastReport);
        case 8: return gauge32((Date.now() - instance.lastReport.getTime()) / 1000);
        case 9: return counter32(instance.reports);
        case 10: return counter32(instance.failures);
        case 11: return octetString(instance.address, 64);
        case 12: return timeTicks((Date.now() - instance.lastReport.getTime()) / 10);
        default: return undefined;
      }
    },
  };
}

const [address, rowsArg] = process.argv.slice(2);
const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain && address !== undefined) {
  const view = new MibViewBuilder().table(BENCH_ENTRY, BENCH_COLUMNS, instances(Number(rowsArg ?? 10_000)).map(row)).build();
  const agent = new Subagent({ address, description: 'tallyman bench/agentx subagent' });
  const registration = agent.register({ subtree: BENCH_BASE, view });
  agent.on('registration', (r) => {
    if (r === registration && r.state === 'registered') process.stdout.write('ready\n');
  });
  process.once('SIGTERM', () => void agent.close().then(() => process.exit(0)));
  agent.start();
}
