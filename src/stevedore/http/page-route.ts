import type { FastifyInstance } from 'fastify';
import type { Time } from '../../common/time.js';
import type { RegistryReader } from '../registry/ports.js';
import type { EventJournal } from './event-journal.js';
import { renderPage } from './page.js';

/** GET /: the status page; `?q=` and `?state=` filter it without JavaScript. */
export function pageRoute(app: FastifyInstance, deps: { registry: RegistryReader; journal: EventJournal; time: Time }): void {
  app.get<{ Querystring: { q?: unknown; state?: unknown } }>('/', async (request, reply) => {
    const text = (value: unknown): string => (typeof value === 'string' ? value.slice(0, 200) : '');
    const filter = { q: text(request.query.q).trim(), state: text(request.query.state) };
    // The id is read before the page: a change after it reaches the page through /v1/events.
    const lastEventId = deps.journal.lastId();
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; img-src 'self'")
      .send(renderPage(deps.registry.services(), filter, lastEventId, deps.time.wall()));
  });
}
