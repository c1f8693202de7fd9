import { writeFileSync } from 'node:fs';
import { STEVEDORE } from './built.js';
import { freePort } from './free-port.js';
import { startProcess, type ManagedProcess } from './managed-process.js';
import type { TempDir } from './temp-dir.js';

export interface RunningStevedore {
  process: ManagedProcess;
  port: number;
  url: string;
  configFile: string;
  /** Replaces the configuration file (then send SIGHUP to reload). */
  rewrite(config: string): void;
  get(path: string): Promise<{ status: number; body: unknown }>;
  post(report: unknown): Promise<number>;
  /** The JSON log lines so far. */
  logLines(): Record<string, unknown>[];
}

/**
 * Starts the built stevedore in the foreground (-F) on a private loopback port with the given
 * configuration statements; `listen` and `agentx-socket none` are added unless the text has them.
 */
export async function startStevedore(dir: TempDir, statements: string, options: { args?: string[]; name?: string; port?: number; env?: NodeJS.ProcessEnv } = {}): Promise<RunningStevedore> {
  const port = options.port ?? (await freePort());
  const configFile = dir.file(`${options.name ?? 'stevedore'}.conf`);
  const compose = (text: string): string =>
    [/(^|[;\s])listen\s/.test(text) ? '' : `listen 127.0.0.1:${port};`, /agentx-socket/.test(text) ? '' : 'agentx-socket none;', text].join('\n');
  writeFileSync(configFile, compose(statements));
  const url = `http://127.0.0.1:${port}`;
  const managed = await startProcess({
    name: options.name ?? 'stevedore',
    command: process.execPath,
    args: [STEVEDORE, '-F', ...(options.args ?? ['-s']), '-f', configFile],
    dir: dir.path,
    ...(options.env && { env: options.env }),
    ready: async () => (await fetch(`${url}/v1/health`)).ok,
  });
  return {
    process: managed,
    port,
    url,
    configFile,
    rewrite: (text) => writeFileSync(configFile, compose(text)),
    async get(path) {
      const res = await fetch(`${url}${path}`);
      return { status: res.status, body: await res.json() };
    },
    async post(report) {
      const res = await fetch(`${url}/v1/report`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(report) });
      await res.arrayBuffer();
      return res.status;
    },
    logLines: () =>
      managed
        .log()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
