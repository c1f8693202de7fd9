import { ResponseError, ValueType } from '../agentx/codec/constants.js';
import type { Value, VarBind } from '../agentx/codec/varbind.js';
import type { Oid } from '../agentx/mib/oid.js';
import { BerError, BerReader, BerWriter } from './ber.js';

/** RFC 3416 section 3: the PDU tags (context-specific, constructed); 0xa4 is RFC 1157's Trap-PDU. */
export const PduType = {
  GetRequest: 0xa0,
  GetNextRequest: 0xa1,
  Response: 0xa2,
  SetRequest: 0xa3,
  TrapV1: 0xa4,
  GetBulkRequest: 0xa5,
  InformRequest: 0xa6,
  SNMPv2Trap: 0xa7,
  Report: 0xa8,
} as const;

/**
 * RFC 3416 section 3: error-status. Its values (tooBig, noSuchName, noAccess, genErr,
 * authorizationError...) are those AgentX carries too: agentx/codec/constants.ts ResponseError.
 */
export const NO_ERROR = 0;
export { ResponseError as ErrorStatus };

/** A request as received: only the names matter (a request's values are placeholders, a Set's are refused). */
export interface RequestPdu {
  type: number;
  requestId: number;
  /** error-status, or non-repeaters for GetBulk (RFC 3416 section 3). */
  field1: number;
  /** error-index, or max-repetitions for GetBulk. */
  field2: number;
  names: Oid[];
}

export interface ResponsePdu {
  type: number;
  requestId: number;
  errorStatus: number;
  errorIndex: number;
  varbinds: readonly VarBind[];
}

const REQUEST_TYPES = new Set<number>([PduType.GetRequest, PduType.GetNextRequest, PduType.SetRequest, PduType.GetBulkRequest, PduType.Response, PduType.SNMPv2Trap, PduType.InformRequest, PduType.Report]);

/** Reads a PDU of the RFC 3416 shape (not RFC 1157's Trap-PDU, which an agent never receives). */
export function readPdu(r: BerReader): RequestPdu {
  const type = r.peekTag();
  if (!REQUEST_TYPES.has(type)) throw new BerError(`PDU tag 0x${type.toString(16)} is not an SNMP PDU this agent reads`);
  const body = r.sequence(type);
  const requestId = body.integer();
  const field1 = body.integer();
  const field2 = body.integer();
  const list = body.sequence();
  const names: Oid[] = [];
  while (!list.done) {
    const vb = list.sequence();
    names.push(vb.oid());
    vb.skip();
  }
  return { type, requestId, field1, field2, names };
}

/** One value as BER: the SMI type's tag is the ValueType number (RFC 3416 section 3, RFC 2578 section 7.1). */
export function writeValue(w: BerWriter, value: Value): void {
  switch (value.type) {
    case ValueType.Integer:
    case ValueType.Counter32:
    case ValueType.Gauge32:
    case ValueType.TimeTicks:
      w.integer(value.value, value.type);
      return;
    case ValueType.Counter64:
      w.unsigned64(value.value, value.type);
      return;
    case ValueType.OctetString:
    case ValueType.Opaque:
    case ValueType.IpAddress:
      w.octets(value.value, value.type);
      return;
    case ValueType.ObjectIdentifier:
      w.oid(value.value);
      return;
    default:
      // NULL and the three exceptions (RFC 3416 section 3: noSuchObject [0], noSuchInstance [1], endOfMibView [2]).
      w.null(value.type);
  }
}

export function writeVarBind(w: BerWriter, varbind: VarBind): void {
  w.begin();
  w.oid(varbind.name);
  writeValue(w, varbind.value);
  w.end();
}

/**
 * Writes a PDU whose variable-bindings come last in the message. `fits(length)` says whether
 * the message being built would still fit if it ended at length (each open length may still
 * grow by up to 3 octets). When a varbind does not fit: with truncate, the list ends before it
 * (RFC 3416 section 4.2.3); without, the function writes nothing more and returns false.
 */
export function writePdu(w: BerWriter, pdu: ResponsePdu, fits: (length: number) => boolean, truncate: boolean): boolean {
  w.begin(pdu.type);
  w.integer(pdu.requestId);
  w.integer(pdu.errorStatus);
  w.integer(pdu.errorIndex);
  w.begin();
  for (const varbind of pdu.varbinds) {
    const before = w.length;
    writeVarBind(w, varbind);
    if (!fits(w.length)) {
      if (!truncate) return false;
      w.truncate(before);
      break;
    }
  }
  w.end();
  w.end();
  return true;
}

export const NULL_VALUE: Value = { type: ValueType.Null };
