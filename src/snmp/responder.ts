import { ValueType } from '../agentx/codec/constants.js';
import { END_OF_MIB_VIEW, type Value, type VarBind } from '../agentx/codec/varbind.js';
import type { Oid } from '../agentx/mib/oid.js';
import { ErrorStatus, NO_ERROR, NULL_VALUE, PduType, type RequestPdu, type ResponsePdu } from './pdu.js';

/** What answers: RFC 3416's Get and GetNext semantics over a set of objects (a MibView). */
export interface ObjectSource {
  get(name: Oid): Value;
  getNext(start: Oid, include: boolean): VarBind;
}

export type SnmpVersion = 'v1' | 'v2c' | 'v3';

/** The smallest varbind (SEQUENCE, a 1-octet OID, a NULL): bounds how many a message can hold. */
const MIN_VARBIND_OCTETS = 7;

const isException = (value: Value): boolean => value.type === ValueType.noSuchObject || value.type === ValueType.noSuchInstance || value.type === ValueType.endOfMibView;

/**
 * The command responder of RFC 3416 section 4.2 for a read-only agent, with the SNMPv1 rules
 * of RFC 3584 section 4.2.2 for v1 requests. Returns the Response-PDU; null for a PDU a command
 * responder does not answer (Response, Trap, Report: RFC 3412 section 4.2.2.1).
 */
export function respond(source: ObjectSource, request: RequestPdu, version: SnmpVersion, maxOctets: number): ResponsePdu | null {
  const answer = (errorStatus: number, errorIndex: number, varbinds: readonly VarBind[]): ResponsePdu => ({
    type: PduType.Response,
    requestId: request.requestId,
    errorStatus,
    errorIndex,
    varbinds,
  });
  /** The request's own varbinds, for an error response (RFC 3416 section 4.2.1, RFC 3584 section 4.2.2.2). */
  const echo = (): VarBind[] => request.names.map((name) => ({ name, value: NULL_VALUE }));
  try {
    switch (request.type) {
      case PduType.GetRequest:
        return get(source, request, version, answer, echo);
      case PduType.GetNextRequest:
        return getNext(source, request, version, answer, echo);
      case PduType.GetBulkRequest:
        // RFC 3584 section 4.2.2: an SNMPv1 message cannot carry GetBulk; the caller drops it.
        return version === 'v1' ? null : getBulk(source, request, maxOctets, answer);
      case PduType.SetRequest:
        // RFC 3416 section 4.2.5 step (1): nothing is in a write view, so every Set is denied
        // access at its first varbind (what snmpd answers a read-only community).
        // RFC 3584 section 4.4: noAccess maps to noSuchName for v1.
        return answer(version === 'v1' ? ErrorStatus.noSuchName : ErrorStatus.noAccess, request.names.length > 0 ? 1 : 0, echo());
      default:
        return null;
    }
  } catch {
    // RFC 3416 section 4.2.1 (3): a variable that cannot be read for any other reason: genErr.
    return answer(ErrorStatus.genErr, request.names.length > 0 ? 1 : 0, echo());
  }
}

type Answer = (errorStatus: number, errorIndex: number, varbinds: readonly VarBind[]) => ResponsePdu;

/** RFC 3416 section 4.2.1; for v1, RFC 3584 section 4.2.2.1 (no Counter64) and 4.2.2.2 (noSuchName). */
function get(source: ObjectSource, request: RequestPdu, version: SnmpVersion, answer: Answer, echo: () => VarBind[]): ResponsePdu {
  const varbinds: VarBind[] = new Array(request.names.length);
  for (let i = 0; i < request.names.length; i++) {
    const name = request.names[i] as Oid;
    const value = source.get(name);
    if (version === 'v1' && (isException(value) || value.type === ValueType.Counter64)) return answer(ErrorStatus.noSuchName, i + 1, echo());
    varbinds[i] = { name, value };
  }
  return answer(NO_ERROR, 0, varbinds);
}

/** The next instance after name; for v1 one that is no Counter64 (RFC 3584 section 4.2.2.1: skipped). */
function nextOf(source: ObjectSource, name: Oid, version: SnmpVersion): VarBind {
  let found = source.getNext(name, false);
  while (version === 'v1' && found.value.type === ValueType.Counter64) found = source.getNext(found.name, false);
  return found;
}

/** RFC 3416 section 4.2.2; for v1 the end of the MIB is noSuchName (RFC 3584 section 4.2.2.2.2), never endOfMibView. */
function getNext(source: ObjectSource, request: RequestPdu, version: SnmpVersion, answer: Answer, echo: () => VarBind[]): ResponsePdu {
  const varbinds: VarBind[] = new Array(request.names.length);
  for (let i = 0; i < request.names.length; i++) {
    const found = nextOf(source, request.names[i] as Oid, version);
    if (version === 'v1' && found.value.type === ValueType.endOfMibView) return answer(ErrorStatus.noSuchName, i + 1, echo());
    varbinds[i] = found;
  }
  return answer(NO_ERROR, 0, varbinds);
}

/**
 * RFC 3416 section 4.2.3: the first N (non-repeaters) names get one GetNext each; the other R
 * get up to M (max-repetitions) successive ones, repetition by repetition. Negative N or M count
 * as 0. The repetitions stop once a whole one is endOfMibView, and once the message could not
 * hold more varbinds anyway (the encoder then drops from the end what does not fit).
 */
function getBulk(source: ObjectSource, request: RequestPdu, maxOctets: number, answer: Answer): ResponsePdu {
  const names = request.names;
  const n = Math.min(Math.max(request.field1, 0), names.length);
  const m = Math.max(request.field2, 0);
  const r = names.length - n;
  const most = Math.ceil(maxOctets / MIN_VARBIND_OCTETS);
  const varbinds: VarBind[] = [];
  for (let i = 0; i < n; i++) varbinds.push(source.getNext(names[i] as Oid, false));
  if (r === 0) return answer(NO_ERROR, 0, varbinds);
  const last = names.slice(n);
  const ended: boolean[] = new Array(r).fill(false);
  for (let rep = 0; rep < m && varbinds.length < most; rep++) {
    let allEnded = true;
    for (let j = 0; j < r; j++) {
      const from = last[j] as Oid;
      const found: VarBind = ended[j] ? { name: from, value: END_OF_MIB_VIEW } : source.getNext(from, false);
      if (found.value.type === ValueType.endOfMibView) ended[j] = true;
      else allEnded = false;
      last[j] = found.name;
      varbinds.push(found);
    }
    if (allEnded) break;
  }
  return answer(NO_ERROR, 0, varbinds);
}
