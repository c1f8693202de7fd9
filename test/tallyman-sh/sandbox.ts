import { mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { TALLYMAN_SH } from '../harness/built.js';
import { requireTool } from '../harness/require-tool.js';
import { runCli, startCli, type CliResult, type CliRun } from '../harness/run-cli.js';
import type { TempDir } from '../harness/temp-dir.js';

/** The shells tallyman.sh must run under, as argv prefixes (all three are on the host). */
export const SHELLS = {
  dash: () => [requireTool('dash', 'dash')],
  bash: () => [requireTool('bash', 'bash')],
  'busybox sh': () => [requireTool('busybox', 'busybox-static'), 'sh'],
} as const;
export type Shell = keyof typeof SHELLS;

/** The ways tallyman.sh sends a report, each the one program that a PATH offers for it. */
export const TRANSPORTS = {
  curl: () => ({ curl: requireTool('curl', 'curl') }),
  'bash /dev/tcp': () => ({ bash: requireTool('bash', 'bash') }),
  'busybox nc': () => ({ nc: requireTool('busybox', 'busybox-static') }),
  'busybox wget': () => ({ wget: requireTool('busybox', 'busybox-static') }),
} as const;
export type Transport = keyof typeof TRANSPORTS;

/**
 * busybox sh runs its own applets even when no link names them, so under it nc is always
 * there and tried before wget: wget can only be chosen under dash and bash.
 */
export const reachable = (shell: Shell, transport: Transport): boolean => !(shell === 'busybox sh' && transport === 'busybox wget');

/** What tallyman.sh needs besides the shell and a transport. */
const BASE_TOOLS = ['mktemp', 'mkfifo', 'tee', 'head', 'cat', 'od', 'awk', 'rm', 'sleep'];

/**
 * A directory of links to the base tools and to the transport's program, if any: as PATH, an
 * image that has exactly those. `sh` is the shell under test, for the health commands.
 */
export function toolPath(dir: TempDir, shell: Shell, transport: Transport | 'none'): string {
  const path = dir.file(`path-${shell.replace(' ', '-')}-${transport.replace(/[ /]/g, '-')}`);
  mkdirSync(path, { recursive: true });
  if (readdirSync(path).length > 0) return path;
  const links: Record<string, string> = { sh: SHELLS[shell]()[0]! };
  for (const tool of BASE_TOOLS) links[tool] = requireTool(tool, tool === 'awk' ? 'mawk' : 'coreutils');
  if (transport !== 'none') Object.assign(links, TRANSPORTS[transport]());
  for (const [name, target] of Object.entries(links)) symlinkSync(target, join(path, name));
  return path;
}

export interface SandboxRun {
  shell: Shell;
  path: string;
  /** A private TMPDIR: tallyman.sh must leave it empty. */
  tmpdir: string;
  env?: Record<string, string>;
  input?: string | Buffer;
}

const argvOf = (run: SandboxRun, args: readonly string[]): [string, string[]] => {
  const [program, ...prefix] = SHELLS[run.shell]();
  return [program!, [...prefix, TALLYMAN_SH, ...args]];
};
const envOf = (run: SandboxRun): NodeJS.ProcessEnv => ({ PATH: run.path, TMPDIR: run.tmpdir, ...run.env });

/** Runs dist/tallyman.sh under the shell with only the PATH given. */
export function tallymanSh(run: SandboxRun, args: readonly string[]): Promise<CliResult> {
  const [program, argv] = argvOf(run, args);
  return runCli(program, argv, { env: envOf(run), ...(run.input !== undefined && { input: run.input }) });
}

export function startTallymanSh(run: SandboxRun, args: readonly string[]): CliRun {
  const [program, argv] = argvOf(run, args);
  return startCli(program, argv, { env: envOf(run) });
}
