import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { STEVEDORE } from './built.js';
import { freePort } from './free-port.js';
import { startProcess, type ManagedProcess } from './managed-process.js';
import type { TempDir } from './temp-dir.js';

export interface RunningStevedore {
  process: ManagedProcess;
  /** The report listener (listen). */
  port: number;
  url: string;
  /** The read listener (http-listen): JSON API, /metrics, /v1/events, the page. */
  readPort: number;
  readUrl: string;
  configFile: string;
  /** Replaces the configuration file (then send SIGHUP to reload). */
  rewrite(config: string): void;
  /** GETs JSON from the read listener. */
  get(path: string): Promise<{ status: number; body: unknown }>;
  /** POSTs a report; `from` is the local address to send from (127.0.0.2, another loopback address). */
  post(report: unknown, options?: { from?: string }): Promise<number>;
  /** The JSON log lines so far. */
  logLines(): Record<string, unknown>[];
}

/**
 * Starts the built stevedore in the foreground (-F) on private loopback ports with the given
 * configuration statements; `listen`, `http-listen` and `agentx-socket none` are added unless
 * the text has them.
 */
export async function startStevedore(
  dir: TempDir,
  statements: string,
  options: { args?: string[]; name?: string; port?: number; readPort?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<RunningStevedore> {
  const port = options.port ?? (await freePort());
  const readPort = options.readPort ?? (await freePort());
  const configFile = dir.file(`${options.name ?? 'stevedore'}.conf`);
  const compose = (text: string): string =>
    [
      /(^|[;\s])listen\s/.test(text) ? '' : `listen 127.0.0.1:${port};`,
      /http-listen\s/.test(text) ? '' : `http-listen 127.0.0.1:${readPort};`,
      /agentx-socket/.test(text) ? '' : 'agentx-socket none;',
      text,
    ].join('\n');
  writeFileSync(configFile, compose(statements));
  const url = `http://127.0.0.1:${port}`;
  const readUrl = `http://127.0.0.1:${readPort}`;
  const managed = await startProcess({
    name: options.name ?? 'stevedore',
    command: process.execPath,
    args: [STEVEDORE, '-F', ...(options.args ?? ['-s']), '-f', configFile],
    dir: dir.path,
    ...(options.env !== undefined && { env: { ...process.env, ...options.env } }),
    // Ready once every part has started: the listeners answer `starting` before that.
    ready: async () => ((await (await fetch(`${readUrl}/v1/health`)).json()) as { status: string }).status === 'ok',
  });
  return {
    process: managed,
    port,
    url,
    readPort,
    readUrl,
    configFile,
    rewrite: (text) => writeFileSync(configFile, compose(text)),
    async get(path) {
      const res = await fetch(`${readUrl}${path}`);
      return { status: res.status, body: await res.json() };
    },
    async post(report, { from } = {}) {
      if (from === undefined) {
        const res = await fetch(`${url}/v1/report`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(report) });
        await res.arrayBuffer();
        return res.status;
      }
      return new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/v1/report', method: 'POST', localAddress: from, headers: { 'content-type': 'application/json' } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end(JSON.stringify(report));
      });
    },
    logLines: () =>
      managed
        .log()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
