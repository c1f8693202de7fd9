import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CloseReason, Flag, PduType, ValueType, counter64, decodeMessage, encodeMessage, integer32, pduTypeName, type Message, type Pdu } from '../../src/agentx/index.js';

const TIMEOUT = { timeout: 10_000 };
const OID = [1, 3, 6, 1, 4, 1, 8072, 9999, 9999, 7];
const VARBINDS = [
  { name: [...OID, 1, 0], value: integer32(5) },
  { name: [...OID, 2, 0], value: { type: ValueType.OctetString, value: Buffer.from('grün') } },
  { name: [...OID, 3, 0], value: counter64(2n ** 63n) },
  { name: [...OID, 4, 0], value: { type: ValueType.Null } },
] as const;

// Every PDU of RFC 2741 section 6.2, as the codec represents it after decoding.
const PDUS: Pdu[] = [
  { type: PduType.Open, timeout: 30, id: OID, description: 'subagent' },
  { type: PduType.Close, reason: CloseReason.reasonTimeouts },
  { type: PduType.Register, timeout: 5, priority: 10, rangeSubid: 0, subtree: OID },
  { type: PduType.Register, timeout: 0, priority: 127, rangeSubid: 11, subtree: [...OID, 1, 1], upperBound: 20 },
  { type: PduType.Unregister, priority: 10, rangeSubid: 0, subtree: OID },
  { type: PduType.Get, ranges: [{ start: [...OID, 1, 0], include: false, end: [] }] },
  { type: PduType.GetNext, ranges: [{ start: OID, include: true, end: [1, 3, 6, 1, 4, 1, 8072, 9999, 9999, 8] }, { start: [0, 0], include: false, end: [] }] },
  { type: PduType.GetBulk, nonRepeaters: 1, maxRepetitions: 10, ranges: [{ start: OID, include: false, end: [] }] },
  { type: PduType.TestSet, varbinds: [...VARBINDS] },
  { type: PduType.CommitSet },
  { type: PduType.UndoSet },
  { type: PduType.CleanupSet },
  { type: PduType.Notify, varbinds: [...VARBINDS] },
  { type: PduType.Ping },
  { type: PduType.IndexAllocate, varbinds: [VARBINDS[0]] },
  { type: PduType.IndexDeallocate, varbinds: [VARBINDS[0]] },
  { type: PduType.AddAgentCaps, id: OID, description: 'caps' },
  { type: PduType.RemoveAgentCaps, id: OID },
  { type: PduType.Response, sysUpTime: 12345, error: 263, index: 1, varbinds: [...VARBINDS] },
];

describe('every PDU decodes to what was encoded', TIMEOUT, () => {
  for (const pdu of PDUS) {
    test(pduTypeName(pdu.type), () => {
      const message: Message = { sessionId: 3, transactionId: 4, packetId: 5, pdu, ...(pdu.type === PduType.Register && { flags: Flag.INSTANCE_REGISTRATION }) };
      const decoded = decodeMessage(encodeMessage(message));
      assert.deepEqual(decoded.pdu, pdu);
      assert.deepEqual([decoded.header.sessionId, decoded.header.transactionId, decoded.header.packetId], [3, 4, 5]);
      assert.equal(decoded.header.flags & Flag.INSTANCE_REGISTRATION, pdu.type === PduType.Register ? Flag.INSTANCE_REGISTRATION : 0);
    });
  }
});
