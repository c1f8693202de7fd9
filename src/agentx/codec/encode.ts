import { AgentxError } from '../errors.js';
import { Flag, PduType, pduTypeName } from './constants.js';
import { mayCarryContext } from './context.js';
import { HEADER_LENGTH, writeHeader } from './header.js';
import { writeOid } from './oid.js';
import type { Message, Pdu } from './pdu.js';
import { writeSearchRange } from './search-range.js';
import { writeVarBind, type VarBind } from './varbind.js';
import { Writer } from './writer.js';

/** Every PDU is built by this one writer (encoding is synchronous), each in bytes of its own. */
const w = new Writer();

/** Encodes one PDU, header included, in network byte order (RFC 2741 section 6). */
export function encodeMessage(message: Message): Buffer {
  const { pdu } = message;
  const hasContext = message.context !== undefined;
  if (hasContext && !mayCarryContext(pdu.type)) {
    throw new AgentxError('AGENTX_VALUE', `${pduTypeName(pdu.type)} carries no context (RFC 2741 section 6.1.1)`);
  }
  w.begin();
  const flags = (message.flags ?? 0) & ~(Flag.NETWORK_BYTE_ORDER | Flag.NON_DEFAULT_CONTEXT);
  writeHeader(w, pdu.type, flags | (hasContext ? Flag.NON_DEFAULT_CONTEXT : 0), message.sessionId, message.transactionId, message.packetId);
  if (hasContext) w.octetString(message.context as Uint8Array | string);
  writePayload(w, pdu);
  w.u32At(16, w.length - HEADER_LENGTH);
  return w.result();
}

function writeVarBindList(w: Writer, varbinds: readonly VarBind[]): void {
  for (const vb of varbinds) writeVarBind(w, vb.name, vb.value);
}

function writePayload(w: Writer, pdu: Pdu): void {
  switch (pdu.type) {
    case PduType.Open: // 6.2.1
      w.u8(pdu.timeout);
      w.u8(0);
      w.u16(0);
      writeOid(w, pdu.id);
      w.octetString(pdu.description);
      return;
    case PduType.Close: // 6.2.2
      w.u8(pdu.reason);
      w.u8(0);
      w.u16(0);
      return;
    case PduType.Register: // 6.2.3
      w.u8(pdu.timeout);
      w.u8(pdu.priority);
      w.u8(pdu.rangeSubid);
      w.u8(0);
      writeOid(w, pdu.subtree);
      if (pdu.rangeSubid !== 0) w.u32(pdu.upperBound ?? 0);
      return;
    case PduType.Unregister: // 6.2.4
      w.u8(0);
      w.u8(pdu.priority);
      w.u8(pdu.rangeSubid);
      w.u8(0);
      writeOid(w, pdu.subtree);
      if (pdu.rangeSubid !== 0) w.u32(pdu.upperBound ?? 0);
      return;
    case PduType.Get: // 6.2.5
    case PduType.GetNext: // 6.2.6
      for (const range of pdu.ranges) writeSearchRange(w, range);
      return;
    case PduType.GetBulk: // 6.2.7
      w.u16(pdu.nonRepeaters);
      w.u16(pdu.maxRepetitions);
      for (const range of pdu.ranges) writeSearchRange(w, range);
      return;
    case PduType.TestSet: // 6.2.8
    case PduType.Notify: // 6.2.10
    case PduType.IndexAllocate: // 6.2.12
    case PduType.IndexDeallocate: // 6.2.13
      writeVarBindList(w, pdu.varbinds);
      return;
    case PduType.CommitSet: // 6.2.9
    case PduType.UndoSet:
    case PduType.CleanupSet:
    case PduType.Ping: // 6.2.11
      return;
    case PduType.AddAgentCaps: // 6.2.14
      writeOid(w, pdu.id);
      w.octetString(pdu.description);
      return;
    case PduType.RemoveAgentCaps: // 6.2.15
      writeOid(w, pdu.id);
      return;
    case PduType.Response: // 6.2.16
      w.u32(pdu.sysUpTime);
      w.u16(pdu.error);
      w.u16(pdu.index);
      writeVarBindList(w, pdu.varbinds);
      return;
  }
}
