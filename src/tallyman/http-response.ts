/** The part of an HTTP/1.1 response tallyman needs: status and, for refusals, the body. */
export interface ResponseHead {
  status: number;
  /** Lower-cased header names. */
  headers: Map<string, string>;
  /** Where the body starts in the buffer. */
  bodyStart: number;
}

/**
 * Parses the status line and headers (RFC 9112 sections 4 and 5) once the blank line that
 * ends them has arrived; null until then. Throws on a response that is not HTTP.
 */
export function parseResponseHead(data: Buffer): ResponseHead | null {
  const end = data.indexOf('\r\n\r\n');
  if (end === -1) return null;
  const lines = data.toString('latin1', 0, end).split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(lines[0] ?? '');
  if (!status) throw new Error(`not an HTTP response: '${(lines[0] ?? '').slice(0, 40)}'`);
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { status: Number(status[1]), headers, bodyStart: end + 4 };
}

/** The body as far as it has arrived: chunked transfer coding (RFC 9112 section 7.1) undone. */
export function responseBody(head: ResponseHead, data: Buffer): string {
  const raw = data.subarray(head.bodyStart);
  if (!/chunked/i.test(head.headers.get('transfer-encoding') ?? '')) return raw.toString('utf8');
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', at);
    if (lineEnd === -1) break;
    const size = Number.parseInt(raw.toString('latin1', at, lineEnd), 16);
    if (!(size > 0)) break;
    parts.push(raw.subarray(lineEnd + 2, Math.min(raw.length, lineEnd + 2 + size)));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts).toString('utf8');
}
