import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { HostPort } from '../../common/host-port.js';
import { REPORT_PATH } from '../../common/report.js';
import type { Time } from '../../common/time.js';
import type { RegistryReader, RegistryWriter } from '../registry/ports.js';
import { Admission, type AdmissionSettings } from './admission.js';
import type { ContainerCheck } from './container-check.js';
import { OnceAMinute } from '../../common/once-a-minute.js';
import { Refusal, refusals } from './refusal.js';
import { reportRoute } from './routes/report.js';
import { ReportTally } from './report-tally.js';
import { readsAre } from './reads-are.js';
import type { PeerScreen } from './listeners.js';
import { validationMessage } from './validation-message.js';
import { useReportJsonParser } from './json-body.js';

export const DEFAULT_BODY_LIMIT = 256 * 1024;

export interface CollectorOptions {
  registry: RegistryReader & RegistryWriter;
  admission: AdmissionSettings;
  logger: FastifyBaseLogger;
  /** The monotonic clock of the rate limit and of once-a-minute warnings. */
  time: Time;
  bodyLimit?: number;
  /** The read listener's addresses (http-listen), named when a GET comes here; empty when it is off. */
  readListeners?: readonly HostPort[];
  /** The Docker follower, when stevedore follows Docker; a function, so a reload can swap it. */
  containers?: () => ContainerCheck | null;
}

export interface Collector {
  app: FastifyInstance;
  /** Applies a reloaded configuration's allow, deny, token and rate-limit. */
  reconfigure(settings: AdmissionSettings): void;
  /** Reports by service and result, accepted or refused. */
  reports: ReportTally;
  /**
   * Screens a report listener's connections by source address (allow/deny). A refused one
   * counts as one refused report (tallyman sends one report per connection).
   */
  screen: PeerScreen;
}

/** What fastify's own errors mean for a reporter. */
function refusalFor(error: FastifyError, request: FastifyRequest, bodyLimit: number): Refusal {
  if (error instanceof Refusal) return error;
  if (error.validation) return refusals.invalid(validationMessage(error.validation as never));
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return refusals.unsupportedMediaType(request.headers['content-type']);
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
  const time = options.time;
  const admission = new Admission(options.admission, time);
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

  // Reports are JSON only: without this, fastify's own text/plain parser hands the schema a string.
  app.removeContentTypeParser('text/plain');
  useReportJsonParser(app);

  const reports = new ReportTally(options.registry);
  const refused = new OnceAMinute(time);
  /**
   * Every refusal is answered here, from the catalogue; a refused report counts once in
   * reportsRejected and in the tally, and is logged once a minute per source address and reason
   * (the message never holds the token). Unknown services and the instance cap are warned per
   * service by the report route; a 5xx is logged as an error where it happens.
   */
  const refuse = (refusal: Refusal, request: FastifyRequest, reply: FastifyReply): void => {
    const logged = refusal.statusCode < 500 && refusal.code !== 'UNKNOWN_SERVICE' && refusal.code !== 'INSTANCE_CAP';
    if (logged && refused.due(`${request.ip} ${refusal.code}`)) {
      request.log.warn({ source: request.ip, code: refusal.code, status: refusal.statusCode }, `refused a request from ${request.ip}: ${refusal.code}: ${refusal.logged ?? refusal.message}`);
    }
    if (request.routeOptions.url === REPORT_PATH) {
      options.registry.countRejected();
      reports.count((request.body as { service?: unknown } | undefined)?.service, refusal.code);
    }
    if (refusal.retryAfterSeconds !== null) void reply.header('retry-after', String(refusal.retryAfterSeconds));
    void reply.code(refusal.statusCode).send({ error: refusal.message, code: refusal.code });
  };
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const refusal = refusalFor(error, request, bodyLimit);
    if (!(error instanceof Refusal) && refusal.statusCode >= 500) request.log.error({ err: error }, 'request failed');
    refuse(refusal, request, reply);
  });
  const readListeners = options.readListeners ?? [];
  app.setNotFoundHandler((request, reply) => {
    const elsewhere = readsAre(readListeners, request.socket.localAddress);
    void reply.code(404).send({ error: `no ${request.method} ${request.url} here: this listener takes POST ${REPORT_PATH} only; ${elsewhere}`, code: 'NO_ROUTE' });
  });

  reportRoute(app, { registry: options.registry, admission, warnings: new OnceAMinute(time), containers: options.containers ?? (() => null), reports });

  const screen: PeerScreen = (remoteAddress) => {
    const refusal = admission.source(remoteAddress);
    if (refusal !== null) {
      options.registry.countRejected();
      reports.count(undefined, refusal.code);
    }
    return refusal;
  };

  return { app, reconfigure: (settings) => admission.update(settings), reports, screen };
}
