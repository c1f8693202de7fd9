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

/** The length of `bytes` without a multi-byte sequence that the end cuts short. */
export function utf8Boundary(bytes: Buffer): number {
  const end = bytes.length;
  for (let i = end - 1; i >= 0 && i >= end - 4; i--) {
    const b = bytes[i] as number;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return i + need > end ? i : end;
  }
  return end;
}
