import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { freePort } from './free-port.js';
import { startProcess, type ManagedProcess } from './managed-process.js';
import { requireTool } from './require-tool.js';
import type { TempDir } from './temp-dir.js';

/** A private snmptrapd on loopback, logging every notification it receives (-On: numeric OIDs). */
export interface Snmptrapd {
  process: ManagedProcess;
  port: number;
  /** The log file: a header line per notification, then its varbinds separated by tabs. */
  logFile: string;
  /** Each notification logged so far, as its text. */
  records(): string[];
}

export async function startSnmptrapd(dir: TempDir): Promise<Snmptrapd> {
  const port = await freePort();
  const logFile = dir.file('traps.log');
  writeFileSync(dir.file('snmptrapd.conf'), 'disableAuthorization yes\n');
  mkdirSync(dir.file('trapd-persist'), { recursive: true });
  const managed = await startProcess({
    name: 'snmptrapd',
    command: requireTool('snmptrapd', 'snmptrapd'),
    args: ['-f', '-C', '-c', dir.file('snmptrapd.conf'), '-Lf', logFile, '-On', '-p', dir.file('snmptrapd.pid'), `udp:127.0.0.1:${port}`],
    dir: dir.path,
    env: { PATH: process.env.PATH, SNMP_PERSISTENT_DIR: dir.file('trapd-persist'), MIBS: '' },
    ready: () => readFileSync(logFile, 'utf8').includes('NET-SNMP version'),
  });
  return { process: managed, port, logFile, records: () => readFileSync(logFile, 'utf8').split(/\n(?=\d{4}-\d\d-\d\d )/) };
}
