import type { FastifyInstance } from 'fastify';
import type { Report } from '../../../common/report.js';
import { REPORT_PATH } from '../../../common/report.js';
import type { RegistryReader, RegistryWriter } from '../../registry/ports.js';
import type { Admission } from '../admission.js';
import type { ContainerCheck } from '../container-check.js';
import { normaliseAddress } from '../access-list.js';
import type { OnceAMinute } from '../../../common/once-a-minute.js';
import type { ReportTally } from '../report-tally.js';
import { refusals } from '../refusal.js';
import { MAX_VALUE_DEPTH, reportSchema, withinDepth } from '../../../common/report-schema.js';

export interface ReportRouteDeps {
  registry: RegistryReader & RegistryWriter;
  admission: Admission;
  warnings: OnceAMinute;
  /** The Docker follower, when docker-socket is set; read per report, so a reload swaps it. */
  containers: () => ContainerCheck | null;
  /** Counts the accepted; app.ts counts the refused. */
  reports: ReportTally;
}

/** POST /v1/report: 204 when accepted; every refusal says why (refusal.ts). */
export function reportRoute(app: FastifyInstance, deps: ReportRouteDeps): void {
  app.post<{ Body: Report }>(
    REPORT_PATH,
    {
      schema: { body: reportSchema },
      // Before the body is read: a refused source costs no parsing.
      onRequest: async (request) => {
        const refusal = deps.admission.check(request.socket.remoteAddress ?? '', request.headers.authorization);
        if (refusal) throw refusal;
      },
    },
    async (request, reply) => {
      const report = request.body;
      if (!withinDepth(report.value, MAX_VALUE_DEPTH)) {
        throw refusals.invalid(`value: nested deeper than ${MAX_VALUE_DEPTH} levels`);
      }
      const address = normaliseAddress(request.socket.remoteAddress ?? '');
      const notYet = deps.admission.turn(address, report.service, report.hostname);
      if (notYet) throw notYet;
      const check = deps.containers();
      let container = null;
      // An undeclared service is a 404 whatever its source: no need to ask dockerd first.
      if (check && deps.registry.service(report.service) !== undefined) {
        const match = await check.match(report.hostname, address);
        if (check.verifySource && match.unavailable) throw refusals.dockerUnavailable();
        if (check.verifySource && !match.sourceMatches) {
          throw refusals.notOwnContainer(address, report.hostname, match.named);
        }
        container = match.container;
      }
      const outcome = deps.registry.accept(report, { origin: 'report', address, container });
      if (outcome.accepted) {
        deps.reports.count(report.service, 'accepted');
        return reply.code(204).send();
      }
      if (outcome.reason === 'unknown-service') {
        if (deps.warnings.due(`unknown:${report.service}`)) {
          request.log.warn({ service: report.service, address }, `report for undeclared service '${report.service}' from ${address}: declare it with 'service ${report.service};' (logged once a minute)`);
        }
        throw refusals.unknownService(outcome.message);
      }
      if (deps.warnings.due(`cap:${report.service}`)) {
        request.log.warn({ service: report.service, hostname: report.hostname, address }, `new instance refused: ${outcome.message} (logged once a minute)`);
      }
      throw refusals.instanceCap(outcome.message);
    },
  );
}
