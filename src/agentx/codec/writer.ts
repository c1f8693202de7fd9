import { AgentxError } from '../errors.js';

/** Strings up to this many UTF-16 units are tried as ASCII first (octetString). */
const ASCII_INLINE = 64;
/** Bytes of memory PDUs are built in, one after another (a new slab when one is full). */
const SLAB_SIZE = 64 * 1024;

function outOfRange(what: string, value: number): never {
  throw new AgentxError('AGENTX_VALUE', `${value} is not a ${what} integer`);
}

/** value's low 32 bits at `at`, most significant first; returns the offset after them. */
function store32(b: Buffer, at: number, value: number): number {
  b[at] = value >>> 24;
  b[at + 1] = value >>> 16;
  b[at + 2] = value >>> 8;
  b[at + 3] = value;
  return at + 4;
}

/**
 * Builds PDUs in network byte order (the subagent always sends NETWORK_BYTE_ORDER, RFC 2741
 * section 6.1), one after another in a slab of memory: each finished PDU leaves as a view of
 * exactly its bytes (result) and the next starts after it, so what was handed to the socket is
 * never written again. A walk sends one small Response per varbind; a buffer of its own for each
 * (or a copy out of a reused one) cost more than the answer itself. A PDU that outgrows what is
 * left of the slab moves to a new one.
 */
export class Writer {
  buffer: Buffer;
  /** Where the next byte goes, in buffer. */
  offset = 0;
  /** Where the PDU being built starts, in buffer. */
  private start = 0;

  constructor(private readonly slabSize = SLAB_SIZE) {
    this.buffer = Buffer.allocUnsafe(slabSize);
  }

  /** Bytes of the PDU being built so far. */
  get length(): number {
    return this.offset - this.start;
  }

  /** Starts a PDU, dropping whatever an unfinished one (its encoding threw) left. */
  begin(): void {
    this.offset = this.start;
  }

  /** Makes room for `bytes` more; `buffer` may be a new one afterwards, the PDU so far moved to its start. */
  ensure(bytes: number): void {
    if (this.offset + bytes <= this.buffer.length) return;
    const length = this.length;
    let size = this.slabSize;
    while (size < length + bytes) size *= 2;
    const slab = Buffer.allocUnsafe(size);
    this.buffer.copy(slab, 0, this.start, this.offset);
    this.buffer = slab;
    this.start = 0;
    this.offset = length;
  }

  u8(value: number): void {
    this.ensure(1);
    this.buffer[this.offset++] = value;
  }

  // Integers are stored byte by byte, big-endian, once checked: Buffer's writeUInt32BE and
  // friends check the offset and range again on every call, and a walk makes many.

  u16(value: number): void {
    if ((value & 0xffff) !== value) outOfRange('16-bit', value);
    this.ensure(2);
    const at = this.offset;
    this.buffer[at] = value >>> 8;
    this.buffer[at + 1] = value;
    this.offset = at + 2;
  }

  u32(value: number): void {
    if (value >>> 0 !== value) outOfRange('unsigned 32-bit', value);
    this.ensure(4);
    this.offset = store32(this.buffer, this.offset, value);
  }

  i32(value: number): void {
    if ((value | 0) !== value) outOfRange('signed 32-bit', value);
    this.ensure(4);
    this.offset = store32(this.buffer, this.offset, value);
  }

  u64(value: bigint): void {
    this.ensure(8);
    this.buffer.writeBigUInt64BE(value, this.offset);
    this.offset += 8;
  }

  /** Overwrites a u32 written earlier, `at` bytes into the PDU (the header's payload length, once it is known). */
  u32At(at: number, value: number): void {
    if (value >>> 0 !== value) outOfRange('unsigned 32-bit', value);
    store32(this.buffer, this.start + at, value);
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

  /** The finished PDU's bytes; the next PDU starts after them. */
  result(): Buffer {
    const bytes = Buffer.from(this.buffer.buffer, this.buffer.byteOffset + this.start, this.offset - this.start);
    this.start = this.offset;
    return bytes;
  }
}
