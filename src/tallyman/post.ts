import { connect } from 'node:net';
import { REPORT_PATH } from '../common/report.js';
import { parseResponseHead, responseBody, type ResponseHead } from './http-response.js';
import { formatAddress, type ServerAddress } from './server.js';

export type PostOutcome =
  | { delivered: true; status: number; elapsedMs: number }
  | { delivered: false; reason: string; status?: number; elapsedMs: number };

/** Keeps the first bytes of the collector's answer, enough for its `{ "error": reason }`. */
const ANSWER_LIMIT = 4096;

function refusalReason(status: number, body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown; message?: unknown };
    const reason = parsed.error ?? parsed.message;
    if (typeof reason === 'string' && reason !== '') return `HTTP ${status}: ${reason}`;
  } catch {
    // not JSON: the status alone says enough
  }
  return `HTTP ${status}`;
}

/**
 * One POST of the report over a plain socket: an HTTP/1.1 request with `Connection: close`
 * (RFC 9112 section 9.6). node:http would cost tallyman several milliseconds of start-up on
 * every health check for features a single request does not use (docs/decisions.md).
 * The whole exchange (connect, send, answer) is bounded by timeoutMs; the promise always
 * resolves, and never later than the bound.
 */
export function postReport(server: ServerAddress, body: string, token: string | undefined, timeoutMs: number, abort?: AbortSignal): Promise<PostOutcome> {
  const t0 = performance.now();
  const elapsed = (): number => Math.round(performance.now() - t0);
  const payload = Buffer.from(body, 'utf8');
  const head =
    `POST ${REPORT_PATH} HTTP/1.1\r\n` +
    `Host: ${formatAddress(server)}\r\n` +
    'Content-Type: application/json\r\n' +
    `Content-Length: ${payload.length}\r\n` +
    (token === undefined ? '' : `Authorization: Bearer ${token}\r\n`) +
    'Connection: close\r\n\r\n';

  return new Promise((resolve) => {
    const socket = connect({ host: server.host, port: server.port });
    let received = Buffer.alloc(0);
    let response: ResponseHead | null = null;
    let settled = false;

    const settle = (outcome: PostOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const fail = (reason: string): void => settle({ delivered: false, reason, elapsedMs: elapsed() });
    const refuse = (status: number): void =>
      settle({ delivered: false, status, reason: refusalReason(status, response ? responseBody(response, received) : ''), elapsedMs: elapsed() });

    const timer = setTimeout(() => fail(`no answer within ${timeoutMs / 1000}s`), timeoutMs);
    abort?.addEventListener('abort', () => fail(String(abort.reason)), { once: true });
    // No half-close after the request: Node's HTTP server drops a request whose client has
    // sent FIN before it answered. Connection: close makes the collector end the exchange.
    socket.on('connect', () => socket.write(Buffer.concat([Buffer.from(head, 'latin1'), payload])));
    socket.on('error', (error: NodeJS.ErrnoException) => fail(error.code ?? error.message));
    socket.on('data', (chunk: Buffer) => {
      if (received.length < ANSWER_LIMIT) received = Buffer.concat([received, chunk]);
      try {
        response ??= parseResponseHead(received);
      } catch (error) {
        fail((error as Error).message);
        return;
      }
      if (response === null) return;
      if (response.status >= 200 && response.status < 300) {
        settle({ delivered: true, status: response.status, elapsedMs: elapsed() });
        return;
      }
      const length = Number(response.headers.get('content-length'));
      if (Number.isInteger(length) && received.length - response.bodyStart >= length) refuse(response.status);
      else if (received.length >= ANSWER_LIMIT) refuse(response.status);
    });
    socket.on('end', () => {
      if (response) refuse(response.status);
      else fail('the collector closed the connection without an answer');
    });
  });
}
