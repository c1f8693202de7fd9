import { AgentxError } from '../errors.js';
import type { Reader } from './reader.js';
import type { Writer } from './writer.js';

/** An object identifier as sub-identifiers; the same shape as mib/oid.ts's Oid. */
export type OidArray = readonly number[];

/** RFC 2578 section 3.5: at most 128 sub-identifiers. */
export const MAX_SUBIDS = 128;

/**
 * RFC 2741 section 5.1, Object Identifier: n_subid, prefix, include, reserved, then n_subid
 * 4-byte sub-identifiers. An OID under 1.3.6.1.x with 0 < x < 256 is sent with prefix x and
 * without its first five sub-identifiers. The null OID is n_subid 0 and prefix 0.
 */
export function writeOid(w: Writer, oid: OidArray, include = false): void {
  const length = oid.length;
  const prefixed = length >= 5 && oid[0] === 1 && oid[1] === 3 && oid[2] === 6 && oid[3] === 1 && (oid[4] as number) > 0 && (oid[4] as number) < 256;
  const first = prefixed ? 5 : 0;
  w.ensure(4 + 4 * (length - first));
  const b = w.buffer;
  let at = w.offset;
  b[at] = length - first;
  b[at + 1] = prefixed ? (oid[4] as number) : 0;
  b[at + 2] = include ? 1 : 0;
  b[at + 3] = 0;
  at += 4;
  // Byte by byte: every OID reaching here was checked (toOid, the view builder, isEncodable).
  for (let i = first; i < length; i++, at += 4) {
    const v = oid[i] as number;
    b[at] = v >>> 24;
    b[at + 1] = v >>> 16;
    b[at + 2] = v >>> 8;
    b[at + 3] = v;
  }
  w.offset = at;
}

export interface DecodedOid {
  oid: number[];
  include: boolean;
}

/** `what` names the field (a constant label) in a parse error. */
export function readOid(r: Reader, what: string): DecodedOid {
  const at = r.take(4, what); // n_subid, prefix, include, reserved (section 5.1)
  const count = r.buffer[at] as number;
  const prefix = r.buffer[at + 1] as number;
  const include = r.buffer[at + 2] !== 0;
  const total = count + (prefix === 0 ? 0 : 5);
  if (total > MAX_SUBIDS) throw new AgentxError('AGENTX_PARSE', `${what} has ${total} sub-identifiers; RFC 2578 allows at most ${MAX_SUBIDS}`);
  const oid = new Array<number>(total);
  if (prefix !== 0) {
    oid[0] = 1;
    oid[1] = 3;
    oid[2] = 6;
    oid[3] = 1;
    oid[4] = prefix;
  }
  r.subids(oid, total - count, count, what);
  return { oid, include };
}
