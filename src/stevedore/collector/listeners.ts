import { createServer, type Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { HostPort } from '../config/config.js';

/** Slow or stalled clients are cut off: a report is small and sent at once. */
const REQUEST_TIMEOUT_MS = 10_000;
const HEADERS_TIMEOUT_MS = 5_000;
const KEEP_ALIVE_TIMEOUT_MS = 5_000;

export function formatHostPort(address: HostPort): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

/**
 * Serves the collector on every `listen` address (fastify's own listen takes one): one HTTP
 * server per address, all routed into the same app. Rejects, naming the address, if one cannot
 * be bound; the ones already bound are closed again.
 */
export async function listenAll(app: FastifyInstance, addresses: readonly HostPort[]): Promise<Server[]> {
  await app.ready();
  const servers: Server[] = [];
  for (const address of addresses) {
    const server = createServer(app.routing);
    server.requestTimeout = REQUEST_TIMEOUT_MS;
    server.headersTimeout = HEADERS_TIMEOUT_MS;
    server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
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
      const code = (error as NodeJS.ErrnoException).code;
      const hint = code === 'EADDRINUSE' ? ' (already in use: is another stevedore running?)' : code === 'EACCES' ? ' (a port below 1024 needs root)' : code === 'EADDRNOTAVAIL' ? ' (no interface has this address)' : '';
      throw new Error(`cannot listen on ${formatHostPort(address)}: ${code ?? (error as Error).message}${hint}`);
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
