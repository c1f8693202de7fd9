import { mkdirSync } from 'node:fs';
import { ROOT } from './built.js';
import { requireTool } from './require-tool.js';
import { runCli, type CliResult } from './run-cli.js';

/** Where TALLYMAN-MIB and the IETF base MIBs it imports (copies in mib/ietf) live. */
export const MIB_DIRS = `${ROOT}mib:${ROOT}mib/ietf`;

/**
 * Runs a Net-SNMP client tool with TALLYMAN-MIB loaded, as an operator would
 * (MIBDIRS=mib:..., MIBS=TALLYMAN-MIB), writing nothing outside `persistDir`.
 */
export function runWithMib(tool: string, args: readonly string[], persistDir: string): Promise<CliResult> {
  mkdirSync(persistDir, { recursive: true });
  return runCli(requireTool(tool, tool === 'smilint' ? 'smitools' : 'snmp'), args, {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', MIBDIRS: MIB_DIRS, MIBS: 'TALLYMAN-MIB', SNMP_PERSISTENT_DIR: persistDir },
  });
}
