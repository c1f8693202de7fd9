import { mkdirSync } from 'node:fs';
import { MIB_DIRS } from './mib-tools.js';
import { requireTool } from './require-tool.js';
import { runCli, startCli, type CliResult, type CliRun } from './run-cli.js';
import type { TempDir } from './temp-dir.js';

/** An NMS's view: the Net-SNMP client tools with TALLYMAN-MIB loaded, against an agent address. */
export interface Nms {
  /** `TOOL FLAGS... -v2c -c COMMUNITY -t 2 -r 1 AGENT OPERANDS...`, MIB names allowed. */
  run(tool: string, agent: string, operands: readonly string[], flags?: readonly string[], community?: string): Promise<CliResult>;
  /** Like run, without waiting: for tools running side by side. */
  spawn(tool: string, agent: string, operands: readonly string[], flags?: readonly string[]): CliRun;
}

export function nms(dir: TempDir): Nms {
  const persist = dir.file('nms-persist');
  mkdirSync(persist, { recursive: true });
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', MIBDIRS: MIB_DIRS, MIBS: 'TALLYMAN-MIB', SNMP_PERSISTENT_DIR: persist };
  const args = (agent: string, community: string, rest: readonly string[]) => ['-v2c', '-c', community, '-t', '2', '-r', '1', agent, ...rest];
  return {
    run: (tool, agent, rest, flags = [], community = 'public') => runCli(requireTool(tool, 'snmp'), [...flags, ...args(agent, community, rest)], { env }),
    spawn: (tool, agent, rest, flags = []) => startCli(requireTool(tool, 'snmp'), [...flags, ...args(agent, 'public', rest)], { env }),
  };
}
