import { ValueType } from '../codec/constants.js';
import type { Value } from '../codec/varbind.js';
import { AgentxError } from '../errors.js';
import { toOid, type Oid } from './oid.js';

// Values of the SMI types (RFC 2578 section 7.1), each forced into its type's range so that
// whatever the producer computes, snmpd receives a well-formed value:
// - Integer32 and Gauge32 are clamped: a gauge "latches" at its maximum (section 7.1.7).
// - Counter32, Counter64 and TimeTicks wrap modulo 2^32 (2^64), as those types are defined to
//   (sections 7.1.6, 7.1.10, 7.1.8): a managing station computes rates from differences, and a
//   counter stuck at its maximum would read as zero traffic forever.
// - OCTET STRING lengths are counted in bytes, text as UTF-8, cut at a character boundary.

export const INTEGER32_MIN = -0x80000000;
export const INTEGER32_MAX = 0x7fffffff;
export const UNSIGNED32_MAX = 0xffffffff;
export const COUNTER64_MAX = 0xffffffffffffffffn;
/** RFC 2578 section 7.1.2: an OCTET STRING holds at most 65535 octets. */
export const OCTET_STRING_MAX = 65535;

/** A finite number truncated to an integer; NaN (a missing figure) becomes 0. */
function whole(n: number): number {
  if (Number.isNaN(n)) return 0;
  return Number.isFinite(n) ? Math.trunc(n) : n;
}

function clamp(n: number, min: number, max: number): number {
  const w = whole(n);
  return w < min ? min : w > max ? max : w;
}

function wrap32(n: number): number {
  const w = whole(n);
  if (!Number.isFinite(w)) return w > 0 ? UNSIGNED32_MAX : 0;
  const r = w % 0x100000000;
  return r < 0 ? r + 0x100000000 : r;
}

export function integer32(n: number): Value {
  return { type: ValueType.Integer, value: clamp(n, INTEGER32_MIN, INTEGER32_MAX) };
}

export function gauge32(n: number): Value {
  return { type: ValueType.Gauge32, value: clamp(n, 0, UNSIGNED32_MAX) };
}

/** A Counter32: n modulo 2^32. */
export function counter32(n: number): Value {
  return { type: ValueType.Counter32, value: wrap32(n) };
}

/** Hundredths of a second, modulo 2^32. */
export function timeTicks(hundredths: number): Value {
  return { type: ValueType.TimeTicks, value: wrap32(hundredths) };
}

/** A Counter64: n modulo 2^64. */
export function counter64(n: bigint | number): Value {
  const big = typeof n === 'bigint' ? n : BigInt(Number.isFinite(n) ? whole(n) : 0);
  return { type: ValueType.Counter64, value: BigInt.asUintN(64, big) };
}

/**
 * Text is UTF-8 and cut to maxBytes at a character boundary (never half a character); bytes
 * are cut at maxBytes. maxBytes is the object's SIZE bound (255 for a DisplayString).
 */
export function octetString(value: string | Uint8Array, maxBytes = OCTET_STRING_MAX): Value {
  const max = clamp(maxBytes, 0, OCTET_STRING_MAX);
  if (typeof value !== 'string') return { type: ValueType.OctetString, value: value.length > max ? value.subarray(0, max) : value };
  // Each UTF-16 unit is at most 3 UTF-8 bytes, so short text needs no measuring.
  if (value.length * 3 <= max || Buffer.byteLength(value, 'utf8') <= max) return { type: ValueType.OctetString, value };
  return { type: ValueType.OctetString, value: truncateUtf8(Buffer.from(value, 'utf8'), max) };
}

/** The longest prefix of at most max bytes that ends on a character boundary. */
export function truncateUtf8(bytes: Buffer, max: number): Buffer {
  if (bytes.length <= max) return bytes;
  let end = max;
  // Step back over continuation bytes (10xxxxxx) to the lead byte of the cut character.
  while (end > 0 && ((bytes[end] as number) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end);
}

export function objectIdentifier(oid: Oid | string): Value {
  return { type: ValueType.ObjectIdentifier, value: toOid(oid) };
}

/** Dotted-quad text or 4 bytes. Throws AGENTX_VALUE on anything else. */
export function ipAddress(address: string | Uint8Array): Value {
  if (typeof address !== 'string') {
    if (address.length !== 4) throw new AgentxError('AGENTX_VALUE', `an IpAddress is 4 octets, got ${address.length}`);
    return { type: ValueType.IpAddress, value: address };
  }
  const parts = address.split('.');
  const bytes = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : NaN));
  if (bytes.length !== 4 || !bytes.every((b) => b <= 255)) throw new AgentxError('AGENTX_VALUE', `'${address}' is not a dotted-quad IPv4 address`);
  return { type: ValueType.IpAddress, value: Uint8Array.from(bytes) };
}

export function opaque(bytes: Uint8Array): Value {
  return { type: ValueType.Opaque, value: bytes.length > OCTET_STRING_MAX ? bytes.subarray(0, OCTET_STRING_MAX) : bytes };
}

export const nullValue: Value = { type: ValueType.Null };
