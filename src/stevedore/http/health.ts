import type { FastifyInstance } from 'fastify';
import type { Time } from '../../common/time.js';
import { VERSION } from '../../common/version.js';
import type { RegistryReader } from '../registry/ports.js';

/** Parts of stevedore that add their own status to GET /v1/health (e.g. the AgentX session). */
export type HealthSection = () => unknown;

/**
 * stevedore's own status: `starting` until every part has started (the listeners answer before
 * the AgentX session, Docker, etcd and the cluster are started), `ok` while it serves,
 * `stopping` once it has been told to stop.
 */
export type ServeStatus = 'starting' | 'ok' | 'stopping';

/** GET /v1/health: stevedore's own status. */
export function healthRoute(app: FastifyInstance, registry: RegistryReader, time: Time, sections: Record<string, HealthSection>, status: () => ServeStatus): void {
  app.get('/v1/health', async () => {
    const stats = registry.stats();
    const extra: Record<string, unknown> = {};
    for (const [name, section] of Object.entries(sections)) extra[name] = section();
    return {
      status: status(),
      version: VERSION,
      startedAt: new Date(stats.startedAt).toISOString(),
      uptimeSeconds: Math.floor((time.monotonic() - stats.startedMonotonic) / 1000),
      services: stats.services,
      instances: stats.instances,
      reportsAccepted: stats.reportsAccepted,
      reportsRejected: stats.reportsRejected,
      ...extra,
    };
  });
}
