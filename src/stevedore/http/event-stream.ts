import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Time, TimerHandle } from '../../common/time.js';
import type { ChangeEvent, EventJournal } from './event-journal.js';

export const EVENTS_PATH = '/v1/events';
/** A comment line this often keeps proxies and idle timeouts from closing a quiet stream. */
export const KEEP_ALIVE_MS = 15_000;

/** One server-sent event (HTML Living Standard, "Server-sent events", the event stream format). */
function frame(event: string, data: unknown, id?: string): string {
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * GET /v1/events: one `change` event per state change, each with its id. A client resumes with
 * Last-Event-ID (EventSource sends it when it reconnects) or `?after=ID` (the status page, from
 * the id it was rendered at): it first gets what it missed. When that is no longer in the
 * journal, it gets one `reset` event instead, saying to read the state again (GET /v1/services)
 * and go on from the id it carries. close() ends every open stream, so a stop does not wait on them.
 */
export class EventStreams {
  private readonly open = new Set<ServerResponse>();
  private keepAlive: TimerHandle | null = null;
  private closed = false;

  constructor(
    private readonly journal: EventJournal,
    private readonly time: Time,
  ) {}

  route(app: FastifyInstance): void {
    app.get<{ Querystring: { after?: string } }>(EVENTS_PATH, (request, reply) => {
      if (this.closed) return reply.code(503).send({ error: 'stevedore is stopping', code: 'STOPPING' });
      reply.hijack();
      const res = reply.raw;
      // connection: close, so that ending the stream closes the connection too (a stop waits for none).
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no', connection: 'close' });
      // Retry after 2 s when the stream breaks (the browser's default is about 3 s).
      res.write('retry: 2000\n\n');
      const from = request.headers['last-event-id'] ?? request.query.after;
      if (typeof from === 'string' && from !== '') {
        const resume = this.journal.since(from);
        if (resume.kind === 'lost') res.write(frame('reset', { reason: resume.reason, reload: '/v1/services' }, this.journal.lastId()));
        else for (const event of resume.events) res.write(frame('change', event, event.id));
      }
      const stop = this.journal.listen((event: ChangeEvent) => res.write(frame('change', event, event.id)));
      this.open.add(res);
      this.startKeepAlive();
      res.on('close', () => {
        stop();
        this.open.delete(res);
        if (this.open.size === 0) this.stopKeepAlive();
      });
    });
  }

  /** Ends every open stream; new ones are taken as before. Their clients come back (EventSource does, with Last-Event-ID) and are checked again. */
  endAll(): void {
    this.stopKeepAlive();
    for (const res of this.open) res.end();
    this.open.clear();
  }

  /** Ends every stream; new ones are refused from now on. */
  close(): void {
    this.closed = true;
    this.endAll();
  }

  private startKeepAlive(): void {
    if (this.keepAlive !== null) return;
    this.keepAlive = this.time.setInterval(() => {
      for (const res of this.open) res.write(': keep-alive\n\n');
    }, KEEP_ALIVE_MS);
  }

  private stopKeepAlive(): void {
    if (this.keepAlive === null) return;
    this.time.clearInterval(this.keepAlive);
    this.keepAlive = null;
  }
}
