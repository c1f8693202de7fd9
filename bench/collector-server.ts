// A collector for bench/collector, in its own process: `bare` is a fastify route that parses the
// JSON body and answers 204; `stevedore` is the real collector app with a registry of ten
// services. Prints the port on stdout once listening.
import Fastify from 'fastify';
import pino from 'pino';
import type { AddressInfo } from 'node:net';
import { systemTime } from '../src/common/time.js';
import { buildCollector } from '../src/stevedore/collector/app.js';
import { listenAll } from '../src/stevedore/collector/listeners.js';
import { Registry } from '../src/stevedore/registry/registry.js';

import { BENCH_SERVICES } from './collector-server-services.js';

const kind = process.argv[2];
let port: number;
if (kind === 'bare') {
  const app = Fastify();
  app.post('/v1/report', async (_request, reply) => reply.code(204).send());
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as AddressInfo).port;
} else {
  const services = BENCH_SERVICES.map((name) => ({ name, description: '', ttlMs: 90_000, expireMs: 3_600_000, maxInstances: null, declaredAt: { file: 'bench', line: 1, col: 1 } }));
  const registry = new Registry({ services, maxInstances: 10_000, maxOutputBytes: 4096 }, systemTime);
  const loopback = { family: 4 as const, address: '127.0.0.0', prefix: 8, text: '127.0.0.0/8' };
  // One source plays 10 000 containers here: the per-source rate limit is lifted for the bench.
  const { app, screen } = buildCollector({
    registry,
    time: systemTime,
    logger: pino({ level: 'warn' }),
    admission: { allow: [loopback], deny: [], token: null, rateLimit: { perSecond: 1e9, burst: 1e9 } },
  });
  const [server] = await listenAll(app, [{ host: '127.0.0.1', port: 0 }], { maxConnections: 512, screen }, () => 'listen');
  port = (server!.address() as AddressInfo).port;
}
process.stdout.write(`${port}\n`);
process.on('SIGINT', () => process.exit(0));
