import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** How the listener answers: a status and body, or never (a hung collector). */
export type Answer = { status: number; body?: string } | 'never';

/**
 * A real HTTP listener on loopback standing where the collector would be: it records every
 * request and answers as the test says.
 */
export class ReportListener {
  readonly requests: ReceivedRequest[] = [];
  answer: Answer = { status: 204 };
  private readonly server: Server;
  private readonly hung = new Set<ServerResponse>();

  constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        const answer = this.answer;
        if (answer === 'never') {
          this.hung.add(res);
          return;
        }
        res.writeHead(answer.status, answer.body === undefined ? {} : { 'content-type': 'application/json' });
        res.end(answer.body);
      });
    });
  }

  async listen(host = '127.0.0.1', port = 0): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, resolve);
    });
    return (this.server.address() as AddressInfo).port;
  }

  /** Forgets the requests received and answers 204 again: between tests. */
  reset(): void {
    this.requests.length = 0;
    this.answer = { status: 204 };
  }

  /** The JSON bodies received so far. */
  reports(): Record<string, unknown>[] {
    return this.requests.map((r) => JSON.parse(r.body) as Record<string, unknown>);
  }

  async close(): Promise<void> {
    for (const res of this.hung) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
