import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import type { Time } from '../../common/time.js';
import type { ClusterReader } from '../integrations/cluster/reader.js';
import type { RegistryEvents, RegistryReader } from '../registry/ports.js';
import { clusterRoutes } from './cluster.js';
import { EventJournal } from './event-journal.js';
import { EventStreams, EVENTS_PATH } from './event-stream.js';
import { healthRoute, type HealthSection, type ServeStatus } from './health.js';
import { metricsRoute, type MetricsSources } from './metrics.js';
import { pageRoute } from './page-route.js';
import { ReadAccess, ReadRefusal, type ReadAccessSettings } from './read-access.js';
import { servicesRoutes } from './services.js';
import type { PeerScreen } from '../collector/listeners.js';

export interface ReadApiOptions {
  registry: RegistryReader & RegistryEvents;
  access: ReadAccessSettings;
  logger: FastifyBaseLogger;
  /** The wall clock of /v1/health and the page, the timers of the event streams' keep-alive. */
  time: Time;
  /** Extra sections of GET /v1/health, by name. */
  health?: Record<string, HealthSection>;
  /** /v1/health's `status`; `ok` when not given. */
  status?: () => ServeStatus;
  /** What /metrics reads beside the registry. */
  metrics: Omit<MetricsSources, 'registry'>;
  /** Names this run's event ids (event-journal.ts); the start time by default. */
  run?: string;
  /** The cluster view, when cluster-view is on; a function, so a reload can swap it. */
  cluster?: () => ClusterReader | null;
}

export interface ReadApi {
  app: FastifyInstance;
  /** Applies a reloaded configuration's http-allow and http-token. */
  reconfigure(settings: ReadAccessSettings): void;
  /** Screens the read listener's connections by source address (http-allow). */
  screen: PeerScreen;
  /** Ends the event streams and stops following the registry: call before closing the listeners. */
  close(): void;
}

/** What read access depends on, to tell whether a reload changed it (the token as given: never shown). */
const accessKey = (settings: ReadAccessSettings): string => JSON.stringify([settings.httpAllow.map((c) => c.text), settings.httpHosts, settings.httpToken]);

export const READ_ROUTES = ['GET /', 'GET /v1/services', 'GET /v1/services/NAME', 'GET /v1/health', 'GET /metrics', `GET ${EVENTS_PATH}`, 'GET /v1/cluster', 'GET /v1/cluster/services/NAME'];

/**
 * The read listener's HTTP application (http-listen): a sink that reads the registry through
 * its reader port and follows its event stream; no read changes anything. It does not listen:
 * the daemon binds it (collector/listeners.ts), tests use inject() or their own port.
 */
export function buildReadApi(options: ReadApiOptions): ReadApi {
  let current = options.access;
  const access = new ReadAccess(current);
  const app = Fastify({
    loggerInstance: options.logger,
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: (logger) => logger,
    return503OnClosing: true,
  });
  app.addHook('onRequest', async (request, reply) => {
    // Every answer is read as the type it says it is (JSON is never sniffed as HTML).
    void reply.header('x-content-type-options', 'nosniff');
    const { socket, headers } = request;
    const refusal = access.check({
      remoteAddress: socket.remoteAddress ?? '',
      authorization: headers.authorization,
      host: headers.host,
      arrivedAt: { host: socket.localAddress ?? '', port: socket.localPort ?? 0 },
    });
    if (refusal === null) return;
    // RFC 6750 section 3: a 401 names the scheme.
    if (refusal.statusCode === 401) void reply.header('www-authenticate', 'Bearer realm="stevedore"');
    return reply.code(refusal.statusCode).send({ error: refusal.message, code: refusal.code });
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ReadRefusal) return reply.code(error.statusCode).send({ error: error.message, code: error.code });
    const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error({ err: error }, 'read failed');
    return reply.code(status).send({ error: status === 500 ? 'internal error; see the stevedore log' : error.message, code: error.code ?? 'BAD_REQUEST' });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ error: `no ${request.method} ${request.url.slice(0, 200)} here: this listener answers ${READ_ROUTES.join(', ')}`, code: 'NO_ROUTE' });
  });

  const journal = new EventJournal(options.registry, options.run ?? options.time.wall().toString(36));
  const streams = new EventStreams(journal, options.time);
  servicesRoutes(app, options.registry);
  healthRoute(app, options.registry, options.time, options.health ?? {}, options.status ?? (() => 'ok'));
  metricsRoute(app, { registry: options.registry, ...options.metrics });
  streams.route(app);
  pageRoute(app, { registry: options.registry, journal, time: options.time });
  clusterRoutes(app, options.cluster ?? (() => null));

  return {
    app,
    reconfigure: (settings) => {
      const before = accessKey(current);
      current = settings;
      access.update(settings);
      // Streams opened under the old http-allow or http-token would go on reading: they are ended,
      // and their clients, coming back, are checked under the new ones.
      if (accessKey(settings) !== before) streams.endAll();
    },
    screen: (remoteAddress) => access.source(remoteAddress),
    close: () => {
      streams.close();
      journal.close();
    },
  };
}
