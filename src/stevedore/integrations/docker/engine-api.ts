import { request, type IncomingMessage } from 'node:http';

/** Engine API 1.41 (Docker 20.10) is served by every current dockerd. */
export const API_VERSION = 'v1.41';
const REQUEST_TIMEOUT_MS = 5000;

export class EngineApiError extends Error {
  override readonly name = 'EngineApiError';
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

/** The Docker Engine API over its unix socket: JSON requests and the event stream. */
export class EngineApi {
  constructor(readonly socketPath: string) {}

  /** GET path; null on 404 (no such container); rejects on anything else that is not 2xx. */
  get<T>(path: string): Promise<T | null> {
    return new Promise((resolve, reject) => {
      const req = request({ socketPath: this.socketPath, path: `/${API_VERSION}${path}`, method: 'GET', timeout: REQUEST_TIMEOUT_MS }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode === 404) return resolve(null);
          if (res.statusCode !== 200) return reject(new EngineApiError(`GET ${path}: HTTP ${res.statusCode}: ${body.slice(0, 200)}`, res.statusCode ?? null));
          try {
            resolve(JSON.parse(body) as T);
          } catch (error) {
            reject(new EngineApiError(`GET ${path}: not JSON (${(error as Error).message})`, res.statusCode));
          }
        });
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new EngineApiError(`GET ${path}: no answer within ${REQUEST_TIMEOUT_MS / 1000} s`, null)));
      req.on('error', reject);
      req.end();
    });
  }

  /**
   * GET /events with filters: newline-delimited JSON objects to onEvent, until the stream ends
   * (dockerd stopped) or close(). onOpen once the daemon has answered; onEnd exactly once.
   */
  events(filters: Record<string, string[]>, handlers: { onOpen(): void; onEvent(event: unknown): void; onEnd(reason: string): void }): { close(): void } {
    let ended = false;
    const end = (reason: string): void => {
      if (ended) return;
      ended = true;
      handlers.onEnd(reason);
    };
    const path = `/${API_VERSION}/events?filters=${encodeURIComponent(JSON.stringify(filters))}`;
    const req = request({ socketPath: this.socketPath, path, method: 'GET' }, (res: IncomingMessage) => {
      if (res.statusCode !== 200) {
        res.resume();
        end(`events: HTTP ${res.statusCode}`);
        return;
      }
      handlers.onOpen();
      let pending = '';
      res.setEncoding('utf8');
      res.on('data', (text: string) => {
        pending += text;
        let newline: number;
        while ((newline = pending.indexOf('\n')) !== -1) {
          const line = pending.slice(0, newline).trim();
          pending = pending.slice(newline + 1);
          if (line === '') continue;
          try {
            handlers.onEvent(JSON.parse(line));
          } catch {
            // a line that is not JSON is not an event
          }
        }
      });
      res.on('end', () => end('dockerd closed the event stream'));
      res.on('error', (error) => end(error.message));
    });
    req.on('error', (error: NodeJS.ErrnoException) => end(error.code ?? error.message));
    req.end();
    return {
      close: () => {
        ended = true;
        req.destroy();
      },
    };
  }
}
