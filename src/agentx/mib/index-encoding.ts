import { AgentxError } from '../errors.js';
import type { Oid } from './oid.js';

// Table row indexes as OID sub-identifiers, RFC 2578 section 7.7:
// - an integer-valued index is one sub-identifier;
// - a string-valued index is its length then one sub-identifier per octet, or the octets alone
//   when of fixed size or IMPLIED (only the last index object may be IMPLIED);
// - an OBJECT IDENTIFIER index is its length then its sub-identifiers (or those alone, IMPLIED);
// - an IpAddress is four sub-identifiers.
// Text is taken as UTF-8: the index of 'ü' is 2.195.188.

/** A non-negative integer index (RFC 2578 section 7.7 item 1). */
export function integerIndex(n: number): Oid {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new AgentxError('AGENTX_OID', `integer index ${n} is not 0..4294967295`);
  return [n];
}

/** A string index (items 2 and 3): length-prefixed unless implied. */
export function stringIndex(value: string | Uint8Array, implied = false): Oid {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const oid: number[] = implied ? [] : [bytes.length];
  for (const b of bytes) oid.push(b);
  return oid;
}

/** An OBJECT IDENTIFIER index (items 4 and 5): length-prefixed unless implied. */
export function oidIndex(value: Oid, implied = false): Oid {
  return implied ? [...value] : [value.length, ...value];
}

/** An IpAddress index (item 6). */
export function ipAddressIndex(address: string): Oid {
  const parts = address.split('.').map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : NaN));
  if (parts.length !== 4 || !parts.every((b) => b <= 255)) throw new AgentxError('AGENTX_OID', `'${address}' is not a dotted-quad IPv4 address`);
  return parts;
}

/** Several index parts, in the INDEX clause's order, as one instance suffix. */
export function rowIndex(...parts: Oid[]): Oid {
  return parts.flat();
}

export interface Decoded<T> {
  value: T;
  /** Where the next index part starts. */
  next: number;
}

/** Reads a string index at `offset` of an instance suffix; undefined when it is malformed. */
export function decodeStringIndex(suffix: Oid, offset = 0, implied = false): Decoded<Buffer> | undefined {
  const length = implied ? suffix.length - offset : suffix[offset];
  const start = implied ? offset : offset + 1;
  if (length === undefined || length < 0 || start + length > suffix.length) return undefined;
  const bytes = suffix.slice(start, start + length);
  if (!bytes.every((b) => b <= 255)) return undefined;
  return { value: Buffer.from(bytes), next: start + length };
}

export function decodeIntegerIndex(suffix: Oid, offset = 0): Decoded<number> | undefined {
  const value = suffix[offset];
  return value === undefined ? undefined : { value, next: offset + 1 };
}
