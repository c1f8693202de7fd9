import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PduParseError, PduType, ValueType, decodeMessage } from '../../src/agentx/index.js';
import { hex } from './bytes.js';

const TIMEOUT = { timeout: 10_000 };
const PLAYPEN = [1, 3, 6, 1, 4, 1, 8072, 9999, 9999, 7];

describe('the decoder reads PDUs built by hand, in both byte orders', TIMEOUT, () => {
  test('agentx-GetNext-PDU, big-endian: search ranges with include and end', () => {
    const message = decodeMessage(
      hex(
        '01 06 10 00  00000007 00000009 00000011 00000030',
        '05 04 01 00  00000001 00001f88 0000270f 0000270f 00000007',
        '05 04 00 00  00000001 00001f88 0000270f 0000270f 00000008',
      ),
    );
    assert.deepEqual(message.header, { version: 1, type: PduType.GetNext, flags: 0x10, sessionId: 7, transactionId: 9, packetId: 0x11, payloadLength: 0x30 });
    assert.equal(message.context, undefined);
    assert.deepEqual(message.pdu, { type: PduType.GetNext, ranges: [{ start: PLAYPEN, include: true, end: [...PLAYPEN.slice(0, -1), 8] }] });
  });

  test('the same agentx-GetNext-PDU, little-endian (NETWORK_BYTE_ORDER clear)', () => {
    const message = decodeMessage(
      hex(
        '01 06 00 00  07000000 09000000 11000000 30000000',
        '05 04 01 00  01000000 881f0000 0f270000 0f270000 07000000',
        '05 04 00 00  01000000 881f0000 0f270000 0f270000 08000000',
      ),
    );
    assert.deepEqual([message.header.sessionId, message.header.transactionId, message.header.packetId], [7, 9, 0x11]);
    assert.deepEqual(message.pdu, { type: PduType.GetNext, ranges: [{ start: PLAYPEN, include: true, end: [...PLAYPEN.slice(0, -1), 8] }] });
  });

  test('agentx-Get-PDU with two ranges, the null end OID, and a context', () => {
    const message = decodeMessage(
      hex(
        '01 05 18 00  00000007 00000001 00000002 00000038',
        '00000003 616263 00',
        '06 04 00 00  00000001 00001f88 0000270f 0000270f 00000007 00000000',
        '00 00 00 00',
        '02 00 00 00  00000001 00000003',
        '00 00 00 00',
      ),
    );
    assert.deepEqual(message.context, Buffer.from('abc'));
    assert.deepEqual(message.pdu, {
      type: PduType.Get,
      ranges: [
        { start: [...PLAYPEN, 0], include: false, end: [] },
        { start: [1, 3], include: false, end: [] },
      ],
    });
  });

  test('agentx-GetBulk-PDU: non_repeaters and max_repetitions', () => {
    const message = decodeMessage(hex('01 07 00 00  07000000 01000000 02000000 14000000', '0100 3200', '02 00 00 00 01000000 03000000', '00 00 00 00'));
    assert.deepEqual(message.pdu, { type: PduType.GetBulk, nonRepeaters: 1, maxRepetitions: 50, ranges: [{ start: [1, 3], include: false, end: [] }] });
  });

  test('agentx-TestSet-PDU: values of every data-carrying type', () => {
    const message = decodeMessage(
      hex(
        '01 08 10 00  00000007 00000003 00000004 000000a8',
        '0002 0000  01 00 00 00 00000001  80000000',
        '0004 0000  01 00 00 00 00000002  00000003 c3bc21 00',
        '0040 0000  01 00 00 00 00000003  00000004 7f000001',
        '0041 0000  01 00 00 00 00000004  ffffffff',
        '0042 0000  01 00 00 00 00000005  00000007',
        '0043 0000  01 00 00 00 00000006  00000064',
        '0044 0000  01 00 00 00 00000007  00000001 ff 000000',
        '0046 0000  01 00 00 00 00000008  ffffffff fffffffe',
        '0006 0000  01 00 00 00 00000009  02 01 00 00 00000001 00000002',
      ),
    );
    assert.deepEqual(message.pdu, {
      type: PduType.TestSet,
      varbinds: [
        { name: [1], value: { type: ValueType.Integer, value: -0x80000000 } },
        { name: [2], value: { type: ValueType.OctetString, value: Buffer.from('ü!') } },
        { name: [3], value: { type: ValueType.IpAddress, value: Buffer.from([127, 0, 0, 1]) } },
        { name: [4], value: { type: ValueType.Counter32, value: 0xffffffff } },
        { name: [5], value: { type: ValueType.Gauge32, value: 7 } },
        { name: [6], value: { type: ValueType.TimeTicks, value: 100 } },
        { name: [7], value: { type: ValueType.Opaque, value: Buffer.from([0xff]) } },
        { name: [8], value: { type: ValueType.Counter64, value: 0xfffffffffffffffen } },
        { name: [9], value: { type: ValueType.ObjectIdentifier, value: [1, 3, 6, 1, 1, 1, 2] } },
      ],
    });
  });

  test('agentx-CommitSet-PDU, agentx-UndoSet-PDU and agentx-CleanupSet-PDU are a header only', () => {
    for (const type of [PduType.CommitSet, PduType.UndoSet, PduType.CleanupSet]) {
      const message = decodeMessage(hex(`01 ${type.toString(16).padStart(2, '0')} 10 00  00000007 00000003 00000005 00000000`));
      assert.deepEqual(message.pdu, { type });
    }
  });

  test('agentx-Response-PDU to an Open: the new session ID is in the header', () => {
    const message = decodeMessage(hex('01 12 10 00  0000002a 00000000 00000001 00000008', '00001234 0000 0000'));
    assert.equal(message.header.sessionId, 42);
    assert.deepEqual(message.pdu, { type: PduType.Response, sysUpTime: 0x1234, error: 0, index: 0, varbinds: [] });
  });

  test('agentx-Response-PDU with duplicateRegistration (263)', () => {
    const message = decodeMessage(hex('01 12 00 00  2a000000 00000000 02000000 08000000', '00000000 0701 0000'));
    assert.deepEqual(message.pdu, { type: PduType.Response, sysUpTime: 0, error: 263, index: 0, varbinds: [] });
  });

  test('agentx-Close-PDU from the master, and its reason', () => {
    const message = decodeMessage(hex('01 02 10 00  0000002a 00000000 00000000 00000004', '04 000000'));
    assert.deepEqual(message.pdu, { type: PduType.Close, reason: 4 });
  });

  describe('what cannot be parsed is a PduParseError that still names the request', () => {
    const cases: [string, Buffer][] = [
      ['an unknown h.type', hex('01 63 10 00  00000007 00000001 00000002 00000000')],
      ['h.version 2', hex('02 05 10 00  00000007 00000001 00000002 00000000')],
      ['a payload cut inside an OID', hex('01 05 10 00  00000007 00000001 00000002 00000008', '05 04 00 00 00000001')],
      ['a payload length that is not a multiple of 4', hex('01 0d 10 00  00000007 00000001 00000002 00000002', '0000')],
      ['bytes left after a Close', hex('01 02 10 00  00000007 00000001 00000002 00000008', '05 000000 00000000')],
      ['an unknown v.type', hex('01 08 10 00  00000007 00000001 00000002 0000000c', '0009 0000 01 00 00 00 00000001')],
      ['an OID of 129 sub-identifiers', hex('01 05 10 00  00000007 00000001 00000002 00000008', '81 00 00 00 00000000')],
      ['NON_DEFAULT_CONTEXT on a Response', hex('01 12 18 00  00000007 00000001 00000002 00000004', '00000000')],
    ];
    for (const [what, bytes] of cases) {
      test(what, () => {
        assert.throws(
          () => decodeMessage(bytes),
          (error: unknown) => error instanceof PduParseError && error.code === 'AGENTX_PARSE' && error.header.packetId === 2 && error.header.sessionId === 7,
        );
      });
    }
  });
});
