import { Writable } from 'node:stream';
import pino from 'pino';
import type { AddressInfo } from 'node:net';
import type { Cidr } from '../../src/stevedore/config/config.js';
import type { AdmissionSettings } from '../../src/stevedore/collector/admission.js';
import { buildCollector, type Collector, type CollectorOptions } from '../../src/stevedore/collector/app.js';
import type { RegistrySettings } from '../../src/stevedore/registry/ports.js';
import { Registry } from '../../src/stevedore/registry/registry.js';
import { serviceConfig } from './config-fixture.js';
import { Sweeper } from '../../src/stevedore/registry/sweeper.js';
import { FakeTime } from './fake-time.js';
import { buildReadApi, type ReadApi, type ReadApiOptions } from '../../src/stevedore/http/app.js';


export const cidr = (text: string): Cidr => {
  const [address = '', prefix = ''] = text.split('/');
  return { family: address.includes(':') ? 6 : 4, address, prefix: Number(prefix), text };
};

/** Loopback may read, no token: http-allow and http-token as by default. */
export const LOOPBACK_READS: ReadApiOptions['access'] = { httpAllow: ['127.0.0.0/8', '::1/128'].map(cidr), httpHosts: [], httpToken: null };

export const LOOPBACK_AND_PRIVATE = ['127.0.0.0/8', '::1/128', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'].map(cidr);

/** Loopback and the private ranges may report, no token, the default rate-limit (50 200). */
export const OPEN_ADMISSION: AdmissionSettings = { allow: LOOPBACK_AND_PRIVATE, deny: [], token: null, rateLimit: { perSecond: 50, burst: 200 } };

export interface RunningCollector {
  /** The report listener. */
  url: string;
  /** The read listener: JSON API, /metrics, /v1/events, the page. */
  readUrl: string;
  reads: ReadApi;
  registry: Registry;
  /** The collector's time: the rate limit and once-a-minute warnings (monotonic), /v1/health (wall). */
  time: FakeTime;
  collector: Collector;
  /** The log lines written so far, parsed. */
  logs: Record<string, unknown>[];
  post(body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> | null; headers: Headers }>;
  /** GETs from the read listener. */
  get(path: string, headers?: Record<string, string>): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

/**
 * A collector and its read listener on real loopback ports, with fake time (its deadlines swept
 * as it advances) and their log captured.
 */
export async function startCollector(
  options: Partial<Omit<CollectorOptions, 'registry' | 'logger' | 'time'>> & {
    registry?: Partial<RegistrySettings>;
    host?: string;
    health?: ReadApiOptions['health'];
    status?: ReadApiOptions['status'];
    reads?: ReadApiOptions['access'];
    agentx?: ReadApiOptions['metrics']['agentx'];
  } = {},
): Promise<RunningCollector> {
  const time = new FakeTime();
  const registry = new Registry(
    { services: [serviceConfig('DB'), serviceConfig('web')], maxInstances: 10_000, maxOutputBytes: 4096, ...options.registry },
    time,
  );
  const sweeper = new Sweeper(registry, time);
  sweeper.start();
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = pino({ level: 'info' }, sink);
  const collector = buildCollector({
    registry,
    time,
    logger,
    admission: options.admission ?? OPEN_ADMISSION,
    ...(options.bodyLimit !== undefined && { bodyLimit: options.bodyLimit }),
    ...(options.readListeners !== undefined && { readListeners: options.readListeners }),
    ...(options.containers !== undefined && { containers: options.containers }),
  });
  const reads = buildReadApi({
    registry,
    time,
    logger,
    access: options.reads ?? LOOPBACK_READS,
    metrics: { reports: collector.reports, agentx: options.agentx ?? (() => 'off') },
    ...(options.health !== undefined && { health: options.health }),
    ...(options.status !== undefined && { status: options.status }),
  });
  await collector.app.listen({ host: options.host ?? '127.0.0.1', port: 0 });
  await reads.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = collector.app.server.address() as AddressInfo;
  const url = `http://${options.host === '::' ? '127.0.0.1' : (options.host ?? '127.0.0.1')}:${port}`;
  const readUrl = `http://127.0.0.1:${(reads.app.server.address() as AddressInfo).port}`;
  return {
    url,
    readUrl,
    reads,
    registry,
    time,
    collector,
    logs,
    async post(body, headers = {}) {
      const res = await fetch(`${url}/v1/report`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : null, headers: res.headers };
    },
    async get(path, headers = {}) {
      const res = await fetch(`${readUrl}${path}`, { headers });
      return { status: res.status, body: await res.json() };
    },
    close: async () => {
      sweeper.stop();
      reads.close();
      await Promise.all([collector.app.close(), reads.app.close()]);
    },
  };
}
