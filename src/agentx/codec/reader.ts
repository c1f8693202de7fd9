import { AgentxError } from '../errors.js';

/**
 * Reads the fields of one PDU in the byte order its header announced (RFC 2741 section 6.1:
 * NETWORK_BYTE_ORDER set means big-endian, clear means little-endian). Every read is bounds
 * checked: a PDU that ends early is a parse error naming what was cut.
 */
export class Reader {
  offset: number;

  constructor(
    readonly buffer: Buffer,
    readonly bigEndian: boolean,
    start: number,
    readonly end: number,
  ) {
    this.offset = start;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  /** Advances over `bytes` and returns where they start. `what` names the field in the error. */
  take(bytes: number, what: string): number {
    const at = this.offset;
    if (at + bytes > this.end) throw new AgentxError('AGENTX_PARSE', `PDU ends inside ${what} (needs ${bytes} bytes at ${at}, ${this.end - at} left)`);
    this.offset = at + bytes;
    return at;
  }

  // `what` is a constant label: error text is built only when a read fails.

  u8(what: string): number {
    return this.buffer[this.take(1, what)] as number;
  }

  u16(what: string): number {
    const at = this.take(2, what);
    return this.bigEndian ? this.buffer.readUInt16BE(at) : this.buffer.readUInt16LE(at);
  }

  u32(what: string): number {
    const at = this.take(4, what);
    return this.bigEndian ? this.buffer.readUInt32BE(at) : this.buffer.readUInt32LE(at);
  }

  i32(what: string): number {
    const at = this.take(4, what);
    return this.bigEndian ? this.buffer.readInt32BE(at) : this.buffer.readInt32LE(at);
  }

  u64(what: string): bigint {
    const at = this.take(8, what);
    return this.bigEndian ? this.buffer.readBigUInt64BE(at) : this.buffer.readBigUInt64LE(at);
  }

  skip(bytes: number, what: string): void {
    this.take(bytes, what);
  }

  /** `count` sub-identifiers (RFC 2741 section 5.1) into oid from index `from` on. */
  subids(oid: number[], from: number, count: number, what: string): void {
    let at = this.take(4 * count, what);
    const b = this.buffer;
    // Composed from the bytes (bounds checked once, above): Buffer's readUInt32 checks each read again.
    if (this.bigEndian) for (let i = 0; i < count; i++, at += 4) oid[from + i] = (((b[at] as number) << 24) | ((b[at + 1] as number) << 16) | ((b[at + 2] as number) << 8) | (b[at + 3] as number)) >>> 0;
    else for (let i = 0; i < count; i++, at += 4) oid[from + i] = (((b[at + 3] as number) << 24) | ((b[at + 2] as number) << 16) | ((b[at + 1] as number) << 8) | (b[at] as number)) >>> 0;
  }

  /** RFC 2741 section 5.3: a 4-byte length, the octets, padding to a multiple of 4. A copy. */
  octetString(what: string): Buffer {
    const length = this.u32(what);
    const at = this.take(length + ((4 - (length % 4)) % 4), what);
    return Buffer.from(this.buffer.subarray(at, at + length));
  }
}
