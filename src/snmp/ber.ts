import { CodedError } from '../common/coded-error.js';

/**
 * The Basic Encoding Rules subset SNMP uses (RFC 3416 section 2, RFC 1157 section 4 via X.690):
 * definite lengths only, one-octet tags, INTEGER, OCTET STRING, NULL, OBJECT IDENTIFIER,
 * SEQUENCE and the application / context tags of the SNMP types. Nothing here trusts a length:
 * every one is checked against the bytes actually there before anything is read.
 */

export class BerError extends CodedError<'SNMP_BER'> {
  constructor(message: string) {
    super('SNMP_BER', message);
  }
}

export const Tag = {
  Integer: 0x02,
  OctetString: 0x04,
  Null: 0x05,
  ObjectIdentifier: 0x06,
  Sequence: 0x30,
} as const;

/** Sub-identifiers above this would not fit an unsigned 32-bit (RFC 2578 section 3.5). */
const MAX_SUBID = 0xffffffff;
/** RFC 2578 section 3.5: at most 128 sub-identifiers. */
const MAX_OID_LENGTH = 128;

/** Reads TLVs from bytes[start, end). */
export class BerReader {
  private pos: number;

  constructor(
    readonly bytes: Buffer,
    start = 0,
    readonly end = bytes.length,
  ) {
    this.pos = start;
  }

  get offset(): number {
    return this.pos;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** The next tag without consuming it; -1 at the end. */
  peekTag(): number {
    return this.pos < this.end ? (this.bytes[this.pos] as number) : -1;
  }

  /** Header of the next TLV: its tag and where its contents lie. Consumes the whole TLV. */
  next(expected?: number): { tag: number; start: number; end: number } {
    if (this.pos + 2 > this.end) throw new BerError(`truncated: a TLV header at offset ${this.pos} runs past the end`);
    const tag = this.bytes[this.pos] as number;
    if ((tag & 0x1f) === 0x1f) throw new BerError(`multi-octet tag at offset ${this.pos}`);
    if (expected !== undefined && tag !== expected) throw new BerError(`tag 0x${tag.toString(16)} at offset ${this.pos}, expected 0x${expected.toString(16)}`);
    let p = this.pos + 1;
    let length = this.bytes[p++] as number;
    if (length & 0x80) {
      const n = length & 0x7f;
      if (n === 0) throw new BerError(`indefinite length at offset ${this.pos}`);
      if (n > 4) throw new BerError(`a ${n}-octet length at offset ${this.pos}`);
      if (p + n > this.end) throw new BerError(`truncated: a length at offset ${this.pos} runs past the end`);
      length = 0;
      for (let i = 0; i < n; i++) length = length * 256 + (this.bytes[p++] as number);
    }
    if (length > this.end - p) throw new BerError(`truncated: ${length} octets announced at offset ${this.pos}, ${this.end - p} there`);
    this.pos = p + length;
    return { tag, start: p, end: p + length };
  }

  /** A constructed TLV (SEQUENCE, a PDU) as a reader of its contents. */
  sequence(expected: number = Tag.Sequence): BerReader {
    const { start, end } = this.next(expected);
    return new BerReader(this.bytes, start, end);
  }

  /** An INTEGER (msgID, request-id, error fields, boots, time): -2^31 to 2^32 - 1. */
  integer(expected: number = Tag.Integer): number {
    const { start, end } = this.next(expected);
    return readSigned(this.bytes, start, end);
  }

  octets(expected: number = Tag.OctetString): Buffer {
    const { start, end } = this.next(expected);
    return this.bytes.subarray(start, end);
  }

  oid(): number[] {
    const { start, end } = this.next(Tag.ObjectIdentifier);
    return readOid(this.bytes, start, end);
  }

  /** Consumes a TLV whatever it holds (a request's placeholder NULL, a SetRequest's value). */
  skip(): number {
    return this.next().tag;
  }
}

/** At most 4 octets (5 for a positive number with its leading zero): every SNMP integer but Counter64. */
function readSigned(bytes: Buffer, start: number, end: number): number {
  const n = end - start;
  if (n === 0) throw new BerError('an INTEGER with no octets');
  if (n > 4 && !(n === 5 && bytes[start] === 0)) throw new BerError(`an INTEGER of ${n} octets`);
  let value = (bytes[start] as number) & 0x80 ? -1 : 0;
  // Two's complement: a negative number starts from -1 (all ones) and shifts its octets in.
  for (let i = start; i < end; i++) value = value * 256 + (bytes[i] as number);
  return value;
}

function readOid(bytes: Buffer, start: number, end: number): number[] {
  if (start === end) throw new BerError('an OBJECT IDENTIFIER with no octets');
  const oid: number[] = [];
  let value = 0;
  let first = true;
  for (let i = start; i < end; i++) {
    const b = bytes[i] as number;
    if (value === 0 && b === 0x80) throw new BerError('an OBJECT IDENTIFIER sub-identifier with a leading 0x80 octet');
    value = value * 128 + (b & 0x7f);
    if (value > MAX_SUBID * 128) throw new BerError('an OBJECT IDENTIFIER sub-identifier over 2^32-1');
    if (b & 0x80) continue;
    if (first) {
      // X.690 section 8.19.4: the first octets hold 40 * X + Y.
      const x = value < 40 ? 0 : value < 80 ? 1 : 2;
      oid.push(x, value - 40 * x);
      first = false;
    } else {
      oid.push(value);
    }
    if (oid.length > MAX_OID_LENGTH) throw new BerError(`an OBJECT IDENTIFIER of more than ${MAX_OID_LENGTH} sub-identifiers`);
    if ((oid[oid.length - 1] as number) > MAX_SUBID) throw new BerError('an OBJECT IDENTIFIER sub-identifier over 2^32-1');
    value = 0;
  }
  if ((bytes[end - 1] as number) & 0x80) throw new BerError('an OBJECT IDENTIFIER that ends inside a sub-identifier');
  return oid;
}

/**
 * Writes TLVs forward into one growing buffer. A constructed TLV gets a one-octet length
 * placeholder; when its contents turn out longer than 127 octets they are moved up to make room
 * for the long form, so every length is minimal.
 */
export class BerWriter {
  private buf: Buffer;
  private pos = 0;
  private readonly open: number[] = [];

  constructor(size = 2048) {
    this.buf = Buffer.allocUnsafe(size);
  }

  get length(): number {
    return this.pos;
  }

  reset(): void {
    this.pos = 0;
    this.open.length = 0;
  }

  /** Cuts what was written back to `length` (a varbind that did not fit). */
  truncate(length: number): void {
    this.pos = length;
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  private header(tag: number, length: number): void {
    this.room(6 + length);
    const b = this.buf;
    b[this.pos++] = tag;
    if (length < 0x80) b[this.pos++] = length;
    else if (length < 0x100) {
      b[this.pos++] = 0x81;
      b[this.pos++] = length;
    } else if (length < 0x10000) {
      b[this.pos++] = 0x82;
      b[this.pos++] = length >>> 8;
      b[this.pos++] = length & 0xff;
    } else {
      b[this.pos++] = 0x83;
      b[this.pos++] = length >>> 16;
      b[this.pos++] = (length >>> 8) & 0xff;
      b[this.pos++] = length & 0xff;
    }
  }

  begin(tag: number = Tag.Sequence): void {
    this.room(2);
    this.buf[this.pos++] = tag;
    this.open.push(this.pos);
    this.pos++;
  }

  end(): void {
    const at = this.open.pop();
    if (at === undefined) throw new Error('BerWriter.end without begin');
    const length = this.pos - at - 1;
    if (length < 0x80) {
      this.buf[at] = length;
      return;
    }
    const n = length < 0x100 ? 1 : length < 0x10000 ? 2 : 3;
    this.room(n);
    this.buf.copyWithin(at + 1 + n, at + 1, this.pos);
    this.buf[at] = 0x80 | n;
    for (let i = 0; i < n; i++) this.buf[at + 1 + i] = (length >>> (8 * (n - 1 - i))) & 0xff;
    this.pos += n;
  }

  /** A signed integer (-2^31..2^32-1 covers every SNMP integer type but Counter64). */
  integer(value: number, tag: number = Tag.Integer): void {
    let n = 1;
    if (value >= 0) {
      while (n < 5 && value >= 2 ** (8 * n - 1)) n++;
    } else {
      while (n < 4 && value < -(2 ** (8 * n - 1))) n++;
    }
    this.header(tag, n);
    let v = value < 0 ? value + 2 ** (8 * n) : value;
    for (let i = n - 1; i >= 0; i--) {
      this.buf[this.pos + i] = v % 256;
      v = Math.floor(v / 256);
    }
    this.pos += n;
  }

  /** Counter64 (RFC 2578 section 7.1.10): unsigned, up to 9 octets with the sign octet. */
  unsigned64(value: bigint, tag: number): void {
    const bytes: number[] = [];
    let v = value;
    do {
      bytes.unshift(Number(v & 0xffn));
      v >>= 8n;
    } while (v > 0n);
    if ((bytes[0] as number) & 0x80) bytes.unshift(0);
    this.header(tag, bytes.length);
    for (const byte of bytes) this.buf[this.pos++] = byte;
  }

  octets(value: Uint8Array | string, tag: number = Tag.OctetString): void {
    if (typeof value === 'string') {
      const n = Buffer.byteLength(value, 'utf8');
      this.header(tag, n);
      this.pos += this.buf.write(value, this.pos, 'utf8');
      return;
    }
    this.header(tag, value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  null(tag: number = Tag.Null): void {
    this.header(tag, 0);
  }

  oid(oid: readonly number[]): void {
    const first = oid.length >= 2 ? (oid[0] as number) * 40 + (oid[1] as number) : oid.length === 1 ? (oid[0] as number) * 40 : 0;
    let length = subidLength(first);
    for (let i = 2; i < oid.length; i++) length += subidLength(oid[i] as number);
    this.header(Tag.ObjectIdentifier, length);
    this.subid(first);
    for (let i = 2; i < oid.length; i++) this.subid(oid[i] as number);
  }

  private subid(value: number): void {
    const b = this.buf;
    if (value < 0x80) {
      b[this.pos++] = value;
      return;
    }
    const n = subidLength(value);
    for (let i = n - 1; i >= 0; i--) {
      b[this.pos + i] = (value & 0x7f) | (i === n - 1 ? 0 : 0x80);
      value = Math.floor(value / 128);
    }
    this.pos += n;
  }

  /** A copy of what was written. */
  toBuffer(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }
}

function subidLength(value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : value < 0x10000000 ? 4 : 5;
}
