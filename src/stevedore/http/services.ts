import type { FastifyInstance } from 'fastify';
import type { RegistryReader } from '../registry/ports.js';
import { serviceDetailJson, serviceJson } from './views.js';

/** GET /v1/services and GET /v1/services/:name: the registry as JSON. */
export function servicesRoutes(app: FastifyInstance, registry: RegistryReader): void {
  app.get('/v1/services', async () => registry.services().map(serviceJson));

  app.get<{ Params: { name: string } }>('/v1/services/:name', async (request, reply) => {
    const service = registry.service(request.params.name);
    if (!service) {
      return reply.code(404).send({ error: `service '${request.params.name}' is not declared in the configuration`, code: 'UNKNOWN_SERVICE' });
    }
    return serviceDetailJson(service);
  });
}
