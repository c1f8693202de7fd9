import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import type { Time } from '../../common/time.js';
import { REPORT_PATH } from '../../common/report.js';
import type { RegistryReader, RegistryWriter } from '../registry/ports.js';
import { Admission, type AdmissionSettings } from './admission.js';
import type { ContainerCheck } from './container-check.js';
import { OnceAMinute } from './once-a-minute.js';
import { DEFAULT_RATE_LIMIT, type RateLimit } from './rate-limiter.js';
import { Refusal, refusals } from './refusal.js';
import { healthRoute, type HealthSection } from './routes/health.js';
import { reportRoute } from './routes/report.js';
import { servicesRoutes } from './routes/services.js';
import { validationMessage } from './validation-message.js';

export const DEFAULT_BODY_LIMIT = 256 * 1024;

export interface CollectorOptions {
  registry: RegistryReader & RegistryWriter;
  admission: AdmissionSettings;
  logger: FastifyBaseLogger;
  time: Time;
  bodyLimit?: number;
  rateLimit?: RateLimit;
  /** Extra sections of GET /v1/health, by name. */
  health?: Record<string, HealthSection>;
  /** The Docker follower, when stevedore follows Docker; a function, so a reload can swap it. */
  containers?: () => ContainerCheck | null;
}

export interface Collector {
  app: FastifyInstance;
  /** Applies a reloaded configuration's allow, deny and token. */
  reconfigure(settings: AdmissionSettings): void;
}

/** What fastify's own errors mean for a reporter. */
function refusalFor(error: FastifyError, bodyLimit: number): Refusal {
  if (error instanceof Refusal) return error;
  if (error.validation) return refusals.invalid(validationMessage(error.validation as never));
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return refusals.unsupportedMediaType();
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return refusals.tooLarge(bodyLimit);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return refusals.malformed('the body is empty');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return refusals.malformed(error.message);
  }
  if (error.statusCode === 400) return refusals.malformed(error.message);
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return new Refusal(error.statusCode, error.code ?? 'BAD_REQUEST', error.message);
  }
  return new Refusal(500, 'INTERNAL', 'internal error; see the collector log');
}

/**
 * The collector's HTTP application. It does not listen: the daemon binds it to the configured
 * addresses, and tests use inject() or their own port.
 */
export function buildCollector(options: CollectorOptions): Collector {
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const admission = new Admission(options.admission, options.rateLimit ?? DEFAULT_RATE_LIMIT, options.time);
  const app = Fastify({
    loggerInstance: options.logger,
    // Reports are not logged one by one: state changes are (state-log.ts).
    logController: new LogController({ disableRequestLogging: true }),
    // No per-request child logger: request ids would only be noise in the few lines logged.
    childLoggerFactory: (logger) => logger,
    bodyLimit,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    return503OnClosing: true,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const refusal = refusalFor(error, bodyLimit);
    if (!(error instanceof Refusal) && refusal.statusCode >= 500) request.log.error({ err: error }, 'request failed');
    if (refusal.code === 'RATE_LIMITED') void reply.header('retry-after', String(admission.retryAfterSeconds()));
    void reply.code(refusal.statusCode).send({ error: refusal.message, code: refusal.code });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ error: `no ${request.method} ${request.url} here: the API is POST /v1/report, GET /v1/services, GET /v1/services/NAME, GET /v1/health`, code: 'NO_ROUTE' });
  });
  // Every refused report counts once in tallymanReportsRejected.
  app.addHook('onResponse', async (request, reply) => {
    if (request.routeOptions.url === REPORT_PATH && reply.statusCode >= 400 && !request.refusalCounted) {
      options.registry.countRejected();
    }
  });

  reportRoute(app, { registry: options.registry, admission, warnings: new OnceAMinute(options.time), containers: options.containers ?? (() => null) });
  servicesRoutes(app, options.registry);
  healthRoute(app, options.registry, options.time, options.health ?? {});

  return { app, reconfigure: (settings) => admission.update(settings) };
}
