import { utf8Boundary } from '../common/utf8.js';

/**
 * Keeps the first `cap` bytes of a stream. The text never ends in a cut UTF-8 sequence, and
 * bytes that are not UTF-8 become U+FFFD, so the report is always valid JSON.
 */
export class OutputCapture {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  truncated = false;

  constructor(private readonly cap: number) {}

  push(chunk: Buffer): void {
    const room = this.cap - this.kept;
    if (chunk.length > room) this.truncated = true;
    if (room <= 0) return;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.chunks.push(part);
    this.kept += part.length;
  }

  text(): string {
    const bytes = Buffer.concat(this.chunks, this.kept);
    const end = this.truncated ? utf8Boundary(bytes) : bytes.length;
    return bytes.toString('utf8', 0, end);
  }
}
