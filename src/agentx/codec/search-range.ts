import { readOid, writeOid, type OidArray } from './oid.js';
import type { Reader } from './reader.js';
import type { Writer } from './writer.js';

/**
 * RFC 2741 section 5.2, SearchRange: a starting OID whose include field says whether the start
 * itself may be returned, and an ending OID (exclusive; null for "no bound").
 */
export interface SearchRange {
  readonly start: OidArray;
  readonly include: boolean;
  /** Empty for the null OID: no upper bound. */
  readonly end: OidArray;
}

export function writeSearchRange(w: Writer, range: SearchRange): void {
  writeOid(w, range.start, range.include);
  writeOid(w, range.end, false);
}

export function readSearchRange(r: Reader): SearchRange {
  const start = readOid(r, 'SearchRange start');
  const end = readOid(r, 'SearchRange end');
  return { start: start.oid, include: start.include, end: end.oid };
}
