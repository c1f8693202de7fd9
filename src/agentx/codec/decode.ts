import { AgentxError } from '../errors.js';
import { AGENTX_VERSION, Flag, PduType, isPduType, pduTypeName, type CloseReason } from './constants.js';
import { mayCarryContext } from './context.js';
import { HEADER_LENGTH, decodeHeader, isBigEndian, type Header } from './header.js';
import { readOid } from './oid.js';
import type { Pdu } from './pdu.js';
import { Reader } from './reader.js';
import { readSearchRange, type SearchRange } from './search-range.js';
import { readVarBind, type VarBind } from './varbind.js';

export interface DecodedMessage {
  readonly header: Header;
  /** Section 6.1.1: the context's octets when NON_DEFAULT_CONTEXT is set. */
  readonly context: Buffer | undefined;
  readonly pdu: Pdu;
}

/**
 * A PDU whose header could be read but whose payload could not: the receiver still knows
 * which request to answer with parseError (RFC 2741 section 7.2.2).
 */
export class PduParseError extends AgentxError {
  constructor(
    readonly header: Header,
    message: string,
  ) {
    super('AGENTX_PARSE', message);
  }
}

/** Decodes one framed PDU (header and exactly its payload), in either byte order. */
export function decodeMessage(frame: Buffer): DecodedMessage {
  const header = decodeHeader(frame);
  try {
    return decodeWithHeader(frame, header);
  } catch (error) {
    if (error instanceof AgentxError) throw new PduParseError(header, `${pduTypeName(header.type)}: ${error.message}`);
    throw error;
  }
}

function decodeWithHeader(frame: Buffer, header: Header): DecodedMessage {
  if (header.version !== AGENTX_VERSION) throw new AgentxError('AGENTX_PARSE', `h.version ${header.version}; only version ${AGENTX_VERSION} exists`);
  if (!isPduType(header.type)) throw new AgentxError('AGENTX_PARSE', `unknown h.type ${header.type}`);
  if (header.payloadLength % 4 !== 0) throw new AgentxError('AGENTX_PARSE', `h.payload_length ${header.payloadLength} is not a multiple of 4 (section 6.1)`);
  if (frame.length !== HEADER_LENGTH + header.payloadLength) {
    throw new AgentxError('AGENTX_PARSE', `h.payload_length ${header.payloadLength} but ${frame.length - HEADER_LENGTH} bytes follow the header`);
  }
  const r = new Reader(frame, isBigEndian(header.flags), HEADER_LENGTH, frame.length);
  let context: Buffer | undefined;
  if (header.flags & Flag.NON_DEFAULT_CONTEXT) {
    if (!mayCarryContext(header.type)) throw new AgentxError('AGENTX_PARSE', 'NON_DEFAULT_CONTEXT set on a PDU that carries no context (section 6.1.1)');
    context = r.octetString('context');
  }
  const pdu = readPayload(r, header.type);
  if (r.remaining !== 0) throw new AgentxError('AGENTX_PARSE', `${r.remaining} bytes left over after the payload`);
  return { header, context, pdu };
}

function readRanges(r: Reader): SearchRange[] {
  const ranges: SearchRange[] = [];
  while (r.remaining > 0) ranges.push(readSearchRange(r));
  return ranges;
}

function readVarBinds(r: Reader): VarBind[] {
  const varbinds: VarBind[] = [];
  while (r.remaining > 0) varbinds.push(readVarBind(r));
  return varbinds;
}

function readPayload(r: Reader, type: PduType): Pdu {
  switch (type) {
    case PduType.Open: {
      const timeout = r.u8('o.timeout');
      r.skip(3, 'o.timeout reserved');
      const id = readOid(r, 'o.id').oid;
      return { type, timeout, id, description: r.octetString('o.descr').toString('utf8') };
    }
    case PduType.Close: {
      const reason = r.u8('c.reason') as CloseReason;
      r.skip(3, 'c.reason reserved');
      return { type, reason };
    }
    case PduType.Register: {
      const timeout = r.u8('r.timeout');
      const priority = r.u8('r.priority');
      const rangeSubid = r.u8('r.range_subid');
      r.skip(1, 'r.range_subid reserved');
      const subtree = readOid(r, 'r.subtree').oid;
      if (rangeSubid === 0) return { type, timeout, priority, rangeSubid, subtree };
      return { type, timeout, priority, rangeSubid, subtree, upperBound: r.u32('r.upper_bound') };
    }
    case PduType.Unregister: {
      r.skip(1, 'u.timeout reserved');
      const priority = r.u8('u.priority');
      const rangeSubid = r.u8('u.range_subid');
      r.skip(1, 'u.range_subid reserved');
      const subtree = readOid(r, 'u.subtree').oid;
      if (rangeSubid === 0) return { type, priority, rangeSubid, subtree };
      return { type, priority, rangeSubid, subtree, upperBound: r.u32('u.upper_bound') };
    }
    case PduType.Get:
    case PduType.GetNext:
      return { type, ranges: readRanges(r) };
    case PduType.GetBulk: {
      const nonRepeaters = r.u16('g.non_repeaters');
      const maxRepetitions = r.u16('g.max_repetitions');
      return { type, nonRepeaters, maxRepetitions, ranges: readRanges(r) };
    }
    case PduType.TestSet:
    case PduType.Notify:
    case PduType.IndexAllocate:
    case PduType.IndexDeallocate:
      return { type, varbinds: readVarBinds(r) };
    case PduType.CommitSet:
    case PduType.UndoSet:
    case PduType.CleanupSet:
    case PduType.Ping:
      return { type };
    case PduType.AddAgentCaps: {
      const id = readOid(r, 'a.id').oid;
      return { type, id, description: r.octetString('a.descr').toString('utf8') };
    }
    case PduType.RemoveAgentCaps:
      return { type, id: readOid(r, 'a.id').oid };
    case PduType.Response: {
      const sysUpTime = r.u32('res.sysUpTime');
      const error = r.u16('res.error');
      const index = r.u16('res.index');
      return { type, sysUpTime, error, index, varbinds: readVarBinds(r) };
    }
  }
}
