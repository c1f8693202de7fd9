import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { CodedError } from '../../common/coded-error.js';
import { formatHostPort, type HostPort } from '../../common/host-port.js';
import { systemTime, type Time } from '../../common/time.js';
import { BindError } from '../bind-error.js';
import type { Config } from '../config/config.js';
import { OnceAMinute } from '../../common/once-a-minute.js';
import { normaliseAddress } from './access-list.js';

/** How long a client may take: a report is small and sent at once, so slow or stalled clients are cut off. */
export interface HttpTimeouts {
  /** From connection (or the previous request) to the end of the request's headers. */
  headersTimeoutMs: number;
  /** From connection to the end of the request's body. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection. */
  keepAliveTimeoutMs: number;
}

export const HTTP_TIMEOUTS: HttpTimeouts = { headersTimeoutMs: 5_000, requestTimeoutMs: 10_000, keepAliveTimeoutMs: 5_000 };

/**
 * Whether a peer may hold a connection at all, from its address alone (the listener's allow
 * list): null when it may, else why not. Asked as each connection is accepted; the app asks
 * again per request, for connections accepted before a reload narrowed the list.
 */
export type PeerScreen = (remoteAddress: string) => CodedError | null;

export type HttpLimits = Pick<Config, 'maxConnections'> & {
  timeouts?: HttpTimeouts;
  /** Everyone may connect when absent. */
  screen?: PeerScreen;
};

/**
 * Node checks the header and request timeouts of open connections only every
 * connectionsCheckingInterval (30 s by default): a slow sender lived 30 s past a 5 s timeout.
 * Checked this often, a connection is cut within a second of its timeout.
 */
function checkingInterval(timeouts: HttpTimeouts): number {
  return Math.max(10, Math.min(1000, timeouts.headersTimeoutMs / 4));
}

/**
 * Resets a connection whose peer the screen refuses as soon as it is accepted, and logs that once
 * a minute per source address and reason. Node counts a connection against maxConnections before
 * 'connection' and stops counting it when it is destroyed: a refused peer is gone before the next
 * connection is accepted, and holds no slot an admitted one needs.
 */
function screenPeers(server: Server, screen: PeerScreen, listen: string, log: FastifyBaseLogger, refused: OnceAMinute): void {
  server.on('connection', (socket: Socket) => {
    const source = normaliseAddress(socket.remoteAddress ?? '');
    const refusal = screen(source);
    if (refusal === null) return;
    socket.resetAndDestroy();
    if (!refused.due(`${source} ${refusal.code}`)) return;
    log.warn({ listen, source, code: refusal.code }, `refused a connection from ${source} to ${listen}: ${refusal.code}: ${refusal.message} (logged once a minute)`);
  });
}

/**
 * Serves an app on every one of its addresses (fastify's own listen takes one): one HTTP server
 * per address, all routed into the same app. A peer the screen refuses is reset as soon as it is
 * accepted, with no answer, so that only the peers it admits hold connections; that is logged
 * once a minute per source address and reason. Past `maxConnections` open connections on one
 * address, a new one is closed as soon as it is accepted (the client sees the connection close
 * with no answer) and that is logged once a minute. Rejects with a BindError naming the
 * address and `origin(i)` (the statement that gave the i-th address: config/declared-at.ts) if
 * one cannot be bound; the ones already bound are closed again.
 */
export async function listenAll(
  app: FastifyInstance,
  addresses: readonly HostPort[],
  limits: HttpLimits,
  origin: (index: number) => string,
  time: Time = systemTime,
): Promise<Server[]> {
  await app.ready();
  const timeouts = limits.timeouts ?? HTTP_TIMEOUTS;
  const dropped = new OnceAMinute(time);
  const refused = new OnceAMinute(time);
  const servers: Server[] = [];
  for (const [index, address] of addresses.entries()) {
    const server = createServer({ connectionsCheckingInterval: checkingInterval(timeouts) }, app.routing);
    server.requestTimeout = timeouts.requestTimeoutMs;
    server.headersTimeout = timeouts.headersTimeoutMs;
    server.keepAliveTimeout = timeouts.keepAliveTimeoutMs;
    server.maxConnections = limits.maxConnections;
    server.on('drop', (connection?: { remoteAddress?: string }) => {
      if (!dropped.due(formatHostPort(address))) return;
      app.log.warn(
        { listen: formatHostPort(address), address: connection?.remoteAddress, maxConnections: limits.maxConnections },
        `connection from ${connection?.remoteAddress ?? 'a client'} to ${formatHostPort(address)} closed: max-connections ${limits.maxConnections} reached (logged once a minute)`,
      );
    });
    if (limits.screen !== undefined) screenPeers(server, limits.screen, formatHostPort(address), app.log, refused);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(address.port, address.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      await closeAll(servers);
      throw new BindError(formatHostPort(address), origin(index), error);
    }
    servers.push(server);
  }
  return servers;
}

/** Stops accepting, lets requests in flight finish, then drops idle connections. */
export async function closeAll(servers: readonly Server[]): Promise<void> {
  await Promise.all(
    servers.map(
      (server) =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        }),
    ),
  );
}
