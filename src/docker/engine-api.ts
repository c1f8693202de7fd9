import { request, type IncomingMessage } from 'node:http';
import { CodedError } from '../common/coded-error.js';
import { jsonLines } from '../common/json-lines.js';
import type { ContainerCreate, ContainerInspect, ContainerSummary, ImageInspect } from './engine-types.js';
import { demultiplex } from './log-stream.js';

/** Engine API 1.41 (Docker 20.10) is served by every current dockerd. */
export const API_VERSION = 'v1.41';
const REQUEST_TIMEOUT_MS = 5000;

export type EngineApiErrorCode = 'DOCKER_UNREACHABLE' | 'DOCKER_REFUSED' | 'DOCKER_BAD_ANSWER';

/** status: the HTTP status dockerd answered, null when it did not answer at all. */
export class EngineApiError extends CodedError<EngineApiErrorCode> {
  constructor(
    message: string,
    readonly status: number | null,
    code: EngineApiErrorCode = status === null ? 'DOCKER_UNREACHABLE' : 'DOCKER_REFUSED',
  ) {
    super(code, message);
  }
}

interface Answer {
  status: number;
  body: Buffer;
}

/** Query values for a path: every value URL-encoded. */
const query = (params: Record<string, string>): string => new URLSearchParams(params).toString();
const ref = (id: string): string => encodeURIComponent(id);

/**
 * The Docker Engine API over its unix socket: JSON requests, the event stream, and the few
 * container operations a check needs (create, start, wait, logs, remove).
 */
export class EngineApi {
  constructor(readonly socketPath: string) {}

  /**
   * One request; resolves whatever the status. timeoutMs bounds the wait for each byte of the
   * answer (0: none, for POST /wait, which answers when the container ends).
   */
  request(method: string, path: string, body?: unknown, timeoutMs = REQUEST_TIMEOUT_MS): Promise<Answer> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const headers = payload === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) };
      const req = request({ socketPath: this.socketPath, path: `/${API_VERSION}${path}`, method, headers, ...(timeoutMs > 0 && { timeout: timeoutMs }) }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', (error) => reject(new EngineApiError(`${method} ${path}: ${error.message}`, null)));
      });
      req.on('timeout', () => req.destroy(new EngineApiError(`${method} ${path}: no answer within ${timeoutMs / 1000} s`, null)));
      req.on('error', (error: NodeJS.ErrnoException) =>
        reject(error instanceof EngineApiError ? error : new EngineApiError(`${method} ${path}: cannot reach dockerd at ${this.socketPath} (${error.code ?? error.message})`, null)),
      );
      req.end(payload);
    });
  }

  /** GET path; null on 404 (no such container); rejects on anything else that is not 2xx. */
  async get<T>(path: string): Promise<T | null> {
    const answer = await this.request('GET', path);
    if (answer.status === 404) return null;
    return this.json<T>('GET', path, answer);
  }

  /** A request that must succeed (2xx): its JSON answer, or undefined when it has no body. */
  async call<T>(method: string, path: string, body?: unknown, timeoutMs?: number): Promise<T> {
    return this.json<T>(method, path, await this.request(method, path, body, timeoutMs));
  }

  private json<T>(method: string, path: string, answer: Answer): T {
    const text = answer.body.toString('utf8');
    if (answer.status < 200 || answer.status > 299) {
      throw new EngineApiError(`${method} ${path}: HTTP ${answer.status}: ${errorMessage(text)}`, answer.status);
    }
    if (text.trim() === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new EngineApiError(`${method} ${path}: not JSON (${(error as Error).message})`, answer.status, 'DOCKER_BAD_ANSWER');
    }
  }

  inspectContainer(id: string): Promise<ContainerInspect | null> {
    return this.get<ContainerInspect>(`/containers/${ref(id)}/json`);
  }

  inspectImage(id: string): Promise<ImageInspect | null> {
    return this.get<ImageInspect>(`/images/${ref(id)}/json`);
  }

  /** The running containers (all of them with `all`). */
  async listContainers(all = false): Promise<ContainerSummary[]> {
    return (await this.get<ContainerSummary[]>(`/containers/json${all ? '?all=1' : ''}`)) ?? [];
  }

  async createContainer(spec: ContainerCreate): Promise<string> {
    return (await this.call<{ Id: string }>('POST', '/containers/create', spec)).Id;
  }

  async startContainer(id: string): Promise<void> {
    await this.call('POST', `/containers/${ref(id)}/start`);
  }

  /** Waits for the container to end: its exit status. */
  async waitContainer(id: string): Promise<number> {
    return (await this.call<{ StatusCode: number }>('POST', `/containers/${ref(id)}/wait`, undefined, 0)).StatusCode;
  }

  /** stdout and stderr of a container created without a TTY, in the order written. */
  async containerOutput(id: string): Promise<string> {
    const answer = await this.request('GET', `/containers/${ref(id)}/logs?${query({ stdout: '1', stderr: '1' })}`);
    if (answer.status !== 200) throw new EngineApiError(`logs of ${id}: HTTP ${answer.status}: ${errorMessage(answer.body.toString('utf8'))}`, answer.status);
    return demultiplex(answer.body).toString('utf8');
  }

  /** Removes the container, killing it if it runs; one that is gone already is no error. */
  async removeContainer(id: string): Promise<void> {
    const answer = await this.request('DELETE', `/containers/${ref(id)}?${query({ force: '1', v: '1' })}`);
    if (answer.status !== 204 && answer.status !== 404) {
      throw new EngineApiError(`remove ${id}: HTTP ${answer.status}: ${errorMessage(answer.body.toString('utf8'))}`, answer.status);
    }
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
      res.setEncoding('utf8');
      res.on('data', jsonLines((event) => handlers.onEvent(event)));
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

/** dockerd's error answers are `{"message": "..."}`. */
function errorMessage(text: string): string {
  try {
    const message = (JSON.parse(text) as { message?: unknown }).message;
    if (typeof message === 'string') return message;
  } catch {
    // not JSON: the text itself
  }
  return text.slice(0, 200).trim();
}
