/** Strings up to this many UTF-16 units are tried as ASCII first (octetString). */
const ASCII_INLINE = 64;

/**
 * Builds one PDU in network byte order (the subagent always sends NETWORK_BYTE_ORDER,
 * RFC 2741 section 6.1) into a buffer that grows as needed. Each PDU gets its own buffer, so
 * what was handed to the socket is never written again.
 */
export class Writer {
  buffer: Buffer;
  offset = 0;

  constructor(initialSize = 256) {
    this.buffer = Buffer.allocUnsafe(initialSize);
  }

  /** Makes room for `bytes` more; `buffer` may be a new one afterwards. */
  ensure(bytes: number): void {
    if (this.offset + bytes <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.offset + bytes) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buffer.copy(grown, 0, 0, this.offset);
    this.buffer = grown;
  }

  u8(value: number): void {
    this.ensure(1);
    this.buffer[this.offset++] = value;
  }

  u16(value: number): void {
    this.ensure(2);
    this.buffer.writeUInt16BE(value, this.offset);
    this.offset += 2;
  }

  u32(value: number): void {
    this.ensure(4);
    this.buffer.writeUInt32BE(value, this.offset);
    this.offset += 4;
  }

  i32(value: number): void {
    this.ensure(4);
    this.buffer.writeInt32BE(value, this.offset);
    this.offset += 4;
  }

  u64(value: bigint): void {
    this.ensure(8);
    this.buffer.writeBigUInt64BE(value, this.offset);
    this.offset += 8;
  }

  /** Overwrites a u32 written earlier (the header's payload length, once it is known). */
  u32At(at: number, value: number): void {
    this.buffer.writeUInt32BE(value, at);
  }

  /** RFC 2741 section 5.3: length, octets, zero padding to a multiple of 4. Text goes as UTF-8. */
  octetString(value: Uint8Array | string): void {
    if (typeof value === 'string') {
      if (value.length <= ASCII_INLINE && this.ascii(value)) return;
      const length = Buffer.byteLength(value, 'utf8');
      this.ensure(4 + length + 3);
      this.u32(length);
      this.offset += this.buffer.write(value, this.offset, 'utf8');
      this.pad(length);
    } else {
      this.ensure(4 + value.length + 3);
      this.u32(value.length);
      this.buffer.set(value, this.offset);
      this.offset += value.length;
      this.pad(value.length);
    }
  }

  /**
   * Short ASCII text, as most values are, copied in place: its UTF-8 is its UTF-16 code units,
   * and this spares two calls into Buffer's C++ encoder per string. False, having written
   * nothing that counts, at the first other character.
   */
  private ascii(value: string): boolean {
    const length = value.length;
    this.ensure(4 + length + 3);
    const b = this.buffer;
    const at = this.offset + 4;
    for (let i = 0; i < length; i++) {
      const c = value.charCodeAt(i);
      if (c >= 0x80) return false;
      b[at + i] = c;
    }
    this.u32(length);
    this.offset += length;
    this.pad(length);
    return true;
  }

  private pad(length: number): void {
    for (let i = length % 4; i !== 0 && i < 4; i++) this.buffer[this.offset++] = 0;
  }

  /** The bytes written so far. */
  result(): Buffer {
    return this.buffer.subarray(0, this.offset);
  }
}
