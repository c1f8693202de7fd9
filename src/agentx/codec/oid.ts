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
  w.u8(length - first);
  w.u8(prefixed ? (oid[4] as number) : 0);
  w.u8(include ? 1 : 0);
  w.u8(0);
  for (let i = first; i < length; i++) w.u32(oid[i] as number);
}

export interface DecodedOid {
  oid: number[];
  include: boolean;
}

export function readOid(r: Reader, what: string): DecodedOid {
  const count = r.u8(`${what} n_subid`);
  const prefix = r.u8(`${what} prefix`);
  const include = r.u8(`${what} include`) !== 0;
  r.skip(1, `${what} reserved`);
  const total = count + (prefix === 0 ? 0 : 5);
  if (total > MAX_SUBIDS) throw new AgentxError('AGENTX_PARSE', `${what} has ${total} sub-identifiers; RFC 2578 allows at most ${MAX_SUBIDS}`);
  const oid: number[] = prefix === 0 ? [] : [1, 3, 6, 1, prefix];
  for (let i = 0; i < count; i++) oid.push(r.u32(`${what} sub-identifier`));
  return { oid, include };
}
