import { Agent, request } from 'node:http';
import { formatHostPort, type HostPort } from '../common/host-port.js';
import { jsonLines } from '../common/json-lines.js';
import { EtcdError } from './errors.js';

const REQUEST_TIMEOUT_MS = 3000;

export type EndpointStatus = 'unknown' | 'reachable' | 'unreachable';

/**
 * etcd's JSON gateway (gRPC-gateway under /v3/, etcd 3.4 and later): one POST per call, over
 * kept-alive HTTP/1.1 connections. With several endpoints, a call goes to the one that answered
 * last, and moves on to the next when it cannot connect or gets no answer in time, trying each
 * once. `status` is one value for the whole client; onStatus hears each change.
 */
export class EtcdGateway {
  private current = 0;
  private state: EndpointStatus = 'unknown';
  private connections = 0;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 4 });

  constructor(
    readonly endpoints: readonly HostPort[],
    private readonly onStatus: (status: EndpointStatus, detail: string) => void = () => {},
  ) {
    if (endpoints.length === 0) throw new RangeError('etcd needs at least one endpoint');
  }

  get status(): EndpointStatus {
    return this.state;
  }

  /** Counts the times etcd became reachable (at first, and after each outage). */
  get reachableEpoch(): number {
    return this.connections;
  }

  /** POST /v3/PATH with a JSON body: the JSON answer, or an EtcdError. */
  async post<T>(path: string, body: unknown): Promise<T> {
    const failures: string[] = [];
    for (let tried = 0; tried < this.endpoints.length; tried++) {
      const index = (this.current + tried) % this.endpoints.length;
      const endpoint = this.endpoints[index] as HostPort;
      let answer: { status: number; text: string };
      try {
        answer = await this.send(endpoint, path, body);
      } catch (error) {
        failures.push(`${formatHostPort(endpoint)}: ${(error as Error).message}`);
        continue;
      }
      this.current = index;
      this.setStatus('reachable', formatHostPort(endpoint));
      return parse<T>(path, answer);
    }
    const detail = failures.join('; ');
    this.setStatus('unreachable', detail);
    throw new EtcdError('ETCD_UNREACHABLE', `etcd is unreachable (${detail})`);
  }

  /**
   * A streaming call (watch): POST /v3/PATH to the current endpoint, each JSON line's `result`
   * to onMessage, until the stream ends (onEnd once, with why) or close(). A connection that
   * fails moves the client on to the next endpoint for the next call.
   */
  stream(path: string, body: unknown, onMessage: (message: unknown) => void, onEnd: (reason: string) => void): { close(): void } {
    const index = this.current;
    const endpoint = this.endpoints[index] as HostPort;
    let ended = false;
    const end = (reason: string): void => {
      if (ended) return;
      ended = true;
      onEnd(reason);
    };
    const payload = JSON.stringify(body);
    const req = request(
      { host: endpoint.host, port: endpoint.port, path: `/v3/${path}`, method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          end(`${formatHostPort(endpoint)}: HTTP ${res.statusCode}`);
          return;
        }
        this.setStatus('reachable', formatHostPort(endpoint));
        res.setEncoding('utf8');
        res.on(
          'data',
          jsonLines((value) => {
            const message = value as { result?: unknown; error?: unknown };
            if (message.error !== undefined) end(`${formatHostPort(endpoint)}: ${JSON.stringify(message.error)}`);
            else onMessage(message.result);
          }),
        );
        res.on('end', () => end(`${formatHostPort(endpoint)} closed the stream`));
        res.on('error', (error) => end(`${formatHostPort(endpoint)}: ${error.message}`));
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => {
      // The next stream tries the next endpoint; whether etcd as a whole is reachable is for post() to find.
      if (this.current === index) this.current = (index + 1) % this.endpoints.length;
      end(`${formatHostPort(endpoint)}: ${error.code ?? error.message}`);
    });
    req.end(payload);
    return {
      close: () => {
        ended = true;
        req.destroy();
      },
    };
  }

  close(): void {
    this.agent.destroy();
  }

  private setStatus(status: EndpointStatus, detail: string): void {
    if (status === this.state) return;
    this.state = status;
    if (status === 'reachable') this.connections++;
    this.onStatus(status, detail);
  }

  private send(endpoint: HostPort, path: string, body: unknown): Promise<{ status: number; text: string }> {
    const payload = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: endpoint.host,
          port: endpoint.port,
          path: `/v3/${path}`,
          method: 'POST',
          agent: this.agent,
          timeout: REQUEST_TIMEOUT_MS,
          headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)));
      req.on('error', (error: NodeJS.ErrnoException) => reject(new Error(error.code ?? error.message)));
      req.end(payload);
    });
  }
}

function parse<T>(path: string, answer: { status: number; text: string }): T {
  let json: { error?: string; message?: string; code?: number; result?: unknown };
  try {
    json = JSON.parse(answer.text) as typeof json;
  } catch {
    throw new EtcdError('ETCD_BAD_ANSWER', `etcd ${path}: HTTP ${answer.status}, not JSON: ${answer.text.slice(0, 200)}`);
  }
  if (answer.status !== 200 || json.error !== undefined) {
    throw new EtcdError('ETCD_REFUSED', `etcd ${path}: ${json.message ?? json.error ?? `HTTP ${answer.status}`}`, typeof json.code === 'number' ? json.code : null);
  }
  // Streaming calls (lease/keepalive) wrap each answer in {"result": ...}.
  return (json.result ?? json) as T;
}
