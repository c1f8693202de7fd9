import { AgentxError } from '../errors.js';
import { HEADER_LENGTH, payloadLengthAt } from './header.js';

/** Bigger than any PDU snmpd sends (its SNMP messages are bounded by UDP); a sane stream has none. */
export const DEFAULT_MAX_PAYLOAD = 16 * 1024 * 1024;

/**
 * Cuts a byte stream into whole PDUs (RFC 2741 section 6.1: a 20-byte header whose last field
 * is the payload length, in the byte order the flags announce). A read may carry several PDUs
 * or part of one; each complete PDU goes to `onFrame` as header plus payload, in order.
 * `onFrame` must not throw. A frame, like a pushed chunk, is only valid during the call: what
 * the framer keeps between reads it copies.
 */
export class Framer {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(
    private readonly onFrame: (frame: Buffer) => void,
    private readonly maxPayload = DEFAULT_MAX_PAYLOAD,
  ) {}

  /** Bytes received that do not yet make a whole PDU. */
  get pendingBytes(): number {
    return this.buffered;
  }

  /** Throws AGENTX_PARSE when a header announces more than maxPayload: the stream cannot be trusted after that. */
  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    let buffer: Buffer;
    if (this.buffered === 0) {
      buffer = chunk;
    } else {
      this.chunks.push(Buffer.from(chunk));
      this.buffered += chunk.length;
      if (this.buffered < this.needed()) return;
      buffer = Buffer.concat(this.chunks, this.buffered);
    }
    this.chunks = [];
    this.buffered = 0;
    let offset = 0;
    while (buffer.length - offset >= HEADER_LENGTH) {
      const payload = this.checked(payloadLengthAt(buffer, offset));
      const end = offset + HEADER_LENGTH + payload;
      if (end > buffer.length) break;
      // A read that is exactly one PDU, as most are, is its own frame.
      const frame = offset === 0 && end === buffer.length ? buffer : buffer.subarray(offset, end);
      offset = end;
      this.onFrame(frame);
    }
    if (offset < buffer.length) {
      this.chunks.push(Buffer.from(buffer.subarray(offset)));
      this.buffered = buffer.length - offset;
    }
  }

  /** Bytes needed before the buffered part of the next PDU is whole (or its header is). */
  private needed(): number {
    const first = this.chunks[0] as Buffer;
    let head: Buffer;
    if (first.length >= HEADER_LENGTH) head = first;
    else if (this.buffered < HEADER_LENGTH) return HEADER_LENGTH;
    else head = Buffer.concat(this.chunks, this.buffered).subarray(0, HEADER_LENGTH);
    return HEADER_LENGTH + this.checked(payloadLengthAt(head, 0));
  }

  private checked(payload: number): number {
    if (payload > this.maxPayload) throw new AgentxError('AGENTX_PARSE', `h.payload_length ${payload} exceeds ${this.maxPayload} bytes: the stream is out of step`);
    return payload;
  }

  reset(): void {
    this.chunks = [];
    this.buffered = 0;
  }
}
