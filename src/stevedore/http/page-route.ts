import type { FastifyInstance } from 'fastify';
import type { Time } from '../../common/time.js';
import type { RegistryReader } from '../registry/ports.js';
import type { EventJournal } from './event-journal.js';
import { renderPage } from './page.js';

/**
 * The page fetches nothing but itself and /v1/events, and no other site may frame it
 * (frame-ancestors: clickjacking), set its base URL or receive its form.
 */
const PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** GET /: the status page; `?q=` and `?state=` filter it without JavaScript. */
export function pageRoute(app: FastifyInstance, deps: { registry: RegistryReader; journal: EventJournal; time: Time }): void {
  app.get<{ Querystring: { q?: unknown; state?: unknown } }>('/', async (request, reply) => {
    const text = (value: unknown): string => (typeof value === 'string' ? value.slice(0, 200) : '');
    const filter = { q: text(request.query.q).trim(), state: text(request.query.state) };
    // The id is read before the page: a change after it reaches the page through /v1/events.
    const lastEventId = deps.journal.lastId();
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', PAGE_POLICY)
      // For browsers without CSP's frame-ancestors.
      .header('x-frame-options', 'DENY')
      .send(renderPage(deps.registry.services(), filter, lastEventId, deps.time.wall()));
  });
}
