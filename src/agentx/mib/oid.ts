import { AgentxError } from '../errors.js';

/** An object identifier as its sub-identifiers (each 0..4294967295), e.g. [1, 3, 6, 1, 4, 1]. */
export type Oid = readonly number[];

const MAX_SUBID = 0xffffffff;
/** RFC 2578 section 3.5. */
const MAX_LENGTH = 128;

/** Parses dotted decimal ('1.3.6.1.4.1' or '.1.3.6.1.4.1'). Throws AGENTX_OID on anything else. */
export function parseOid(text: string): Oid {
  const body = text.startsWith('.') ? text.slice(1) : text;
  if (body === '') return [];
  const parts = body.split('.');
  if (parts.length > MAX_LENGTH) throw new AgentxError('AGENTX_OID', `OID '${text}' has ${parts.length} sub-identifiers; at most ${MAX_LENGTH}`);
  return parts.map((part) => {
    const n = /^\d{1,10}$/.test(part) ? Number(part) : NaN;
    if (!(n <= MAX_SUBID)) throw new AgentxError('AGENTX_OID', `OID '${text}': '${part}' is not a sub-identifier (0..${MAX_SUBID})`);
    return n;
  });
}

/** An Oid as is, or parsed from text. */
export function toOid(oid: Oid | string): Oid {
  if (typeof oid === 'string') return parseOid(oid);
  for (const n of oid) {
    if (!Number.isInteger(n) || n < 0 || n > MAX_SUBID) throw new AgentxError('AGENTX_OID', `OID ${oid.join('.')}: ${n} is not a sub-identifier`);
  }
  return oid;
}

export function formatOid(oid: Oid): string {
  return oid.join('.');
}

/** Lexicographic order of RFC 2578 (a prefix sorts before its extensions): -1, 0 or 1. */
export function compareOid(a: Oid, b: Oid): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** Whether `oid` is `prefix` or lies beneath it. */
export function isPrefixOf(prefix: Oid, oid: Oid): boolean {
  if (prefix.length > oid.length) return false;
  for (let i = 0; i < prefix.length; i++) if (prefix[i] !== oid[i]) return false;
  return true;
}

/**
 * The first OID after every OID beneath `oid`: the same with its last sub-identifier plus one
 * (an exclusive upper bound for a subtree). Undefined when there is none (last sub-identifier
 * at its maximum, or the empty OID).
 */
export function subtreeEnd(oid: Oid): Oid | undefined {
  for (let i = oid.length - 1; i >= 0; i--) {
    if ((oid[i] as number) < MAX_SUBID) return [...oid.slice(0, i), (oid[i] as number) + 1];
  }
  return undefined;
}
