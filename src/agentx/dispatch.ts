import { PduType, ResponseError, pduTypeName, valueTypeName } from './codec/constants.js';
import type { DecodedMessage } from './codec/decode.js';
import type { GetBulkPdu, GetPdu, ResponsePdu } from './codec/pdu.js';
import type { SearchRange } from './codec/search-range.js';
import { END_OF_MIB_VIEW, isEncodable, type VarBind } from './codec/varbind.js';
import { AgentxError } from './errors.js';
import { formatOid } from './mib/oid.js';
import type { Registrations } from './registration.js';

/** A request that could not be answered normally; the response says genErr and where. */
export interface HandlerFailure {
  pdu: string;
  /** The OID being processed when the failure happened. */
  oid: string;
  error: unknown;
}

function response(error: number, index: number, varbinds: readonly VarBind[]): ResponsePdu {
  return { type: PduType.Response, sysUpTime: 0, error, index, varbinds };
}

/** A value snmpd cannot be sent is a handler failure like a throw. */
function checked(vb: VarBind): VarBind {
  if (!isEncodable(vb.value)) {
    throw new AgentxError('AGENTX_VALUE', `${valueTypeName(vb.value.type)} value for ${formatOid(vb.name)} is not encodable: build values with the mib/smi.ts constructors`);
  }
  return vb;
}

/**
 * The answer to one request from the master agent, or undefined when the RFC wants none.
 * Never throws: a failing value function or an unencodable value becomes genErr with res.index
 * pointing at the SearchRange being processed (RFC 2741 section 7.2.3), reported to onFailure.
 */
export function answer(message: DecodedMessage, registrations: Registrations, onFailure: (failure: HandlerFailure) => void): ResponsePdu | undefined {
  const { pdu } = message;
  if (message.context !== undefined) {
    // We register in the default context only, so any other is unsupported (unsupportedContext,
    // section 6.2.16; section 7.2.2 itself names no error for a context).
    return pdu.type === PduType.CleanupSet ? undefined : response(ResponseError.unsupportedContext, 0, []);
  }
  switch (pdu.type) {
    case PduType.Get:
    case PduType.GetNext:
      return getOrNext(pdu, registrations, onFailure);
    case PduType.GetBulk:
      return getBulk(pdu, registrations, onFailure);
    case PduType.TestSet:
      // Section 7.2.4.1: every object we serve is read-only; the first VarBind fails.
      return response(ResponseError.notWritable, pdu.varbinds.length > 0 ? 1 : 0, []);
    case PduType.CommitSet:
      // Section 7.2.4.2: no TestSet of ours ever succeeds, so there is nothing to commit.
      return response(ResponseError.commitFailed, 0, []);
    case PduType.UndoSet:
      // Section 7.2.4.3: nothing was committed, so nothing needs undoing: undone without error.
      return response(ResponseError.noAgentXError, 0, []);
    case PduType.CleanupSet:
      // Section 7.2.4.4: the one request that gets no response.
      return undefined;
    case PduType.Ping:
      // Section 6.2.11 defines Ping from subagent to master; answered in kind if it comes the other way.
      return response(ResponseError.noAgentXError, 0, []);
    default:
      // Open, Register, Notify and the other administrative PDUs go from subagent to master
      // (section 7.1); a subagent cannot process them.
      onFailure({ pdu: pduTypeName(pdu.type), oid: '', error: new AgentxError('AGENTX_PARSE', `a subagent does not process ${pduTypeName(pdu.type)}`) });
      return response(ResponseError.processingError, 0, []);
  }
}

function nextIn(registrations: Registrations, range: SearchRange): VarBind {
  return checked(registrations.getNext(range.start, range.include, range.end));
}

/** Sections 7.2.3.1 and 7.2.3.2: one VarBind per SearchRange, in order. */
function getOrNext(pdu: GetPdu, registrations: Registrations, onFailure: (failure: HandlerFailure) => void): ResponsePdu {
  const varbinds: VarBind[] = new Array(pdu.ranges.length);
  const exact = pdu.type === PduType.Get;
  for (let i = 0; i < pdu.ranges.length; i++) {
    const range = pdu.ranges[i] as SearchRange;
    try {
      varbinds[i] = exact ? checked({ name: range.start, value: registrations.get(range.start) }) : nextIn(registrations, range);
    } catch (error) {
      onFailure({ pdu: pduTypeName(pdu.type), oid: formatOid(range.start), error });
      return response(ResponseError.genErr, i + 1, []);
    }
  }
  return response(ResponseError.noAgentXError, 0, varbinds);
}

/**
 * Section 7.2.3.3: the first non_repeaters ranges once, as GetNext; then up to max_repetitions
 * rounds over the others, each continuing after the name the previous round returned. Stops
 * early once every repeater has reached endOfMibView.
 */
function getBulk(pdu: GetBulkPdu, registrations: Registrations, onFailure: (failure: HandlerFailure) => void): ResponsePdu {
  const ranges = pdu.ranges;
  const n = Math.min(pdu.nonRepeaters, ranges.length);
  const varbinds: VarBind[] = [];
  let index = 0;
  try {
    for (; index < n; index++) varbinds.push(nextIn(registrations, ranges[index] as SearchRange));
    const cursors = ranges.slice(n).map((r) => ({ ...r, ended: false }));
    for (let round = 0; round < pdu.maxRepetitions && cursors.length > 0; round++) {
      let live = 0;
      for (let j = 0; j < cursors.length; j++) {
        index = n + j;
        const cursor = cursors[j] as (typeof cursors)[number];
        if (cursor.ended) {
          varbinds.push({ name: cursor.start, value: END_OF_MIB_VIEW });
          continue;
        }
        const vb = nextIn(registrations, cursor);
        varbinds.push(vb);
        if (vb.value.type === END_OF_MIB_VIEW.type) {
          cursor.ended = true;
        } else {
          cursor.start = vb.name;
          cursor.include = false;
          live++;
        }
      }
      if (live === 0) break;
    }
  } catch (error) {
    onFailure({ pdu: pduTypeName(pdu.type), oid: formatOid((ranges[index] as SearchRange).start), error });
    return response(ResponseError.genErr, index + 1, []);
  }
  return response(ResponseError.noAgentXError, 0, varbinds);
}
