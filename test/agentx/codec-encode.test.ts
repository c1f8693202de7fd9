import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CloseReason, Flag, PduType, ResponseError, ValueType, counter64, encodeMessage, integer32, octetString } from '../../src/agentx/index.js';
import { hex } from './bytes.js';

const TIMEOUT = { timeout: 10_000 };
// 1.3.6.1.4.1.8072.9999.9999.7: prefix 4, then 1, 8072, 9999, 9999, 7 (RFC 2741 section 5.1).
const PLAYPEN_OID = '05 04 00 00  00000001 00001f88 0000270f 0000270f 00000007';
const PLAYPEN = [1, 3, 6, 1, 4, 1, 8072, 9999, 9999, 7];

describe('the encoder writes what RFC 2741 section 6 draws, in network byte order', TIMEOUT, () => {
  test('agentx-Open-PDU: timeout, prefix-compressed o.id, padded o.descr', () => {
    const bytes = encodeMessage({ sessionId: 0, transactionId: 0, packetId: 1, pdu: { type: PduType.Open, timeout: 5, id: PLAYPEN, description: 'tally' } });
    assert.deepEqual(
      bytes,
      hex(
        '01 01 10 00  00000000 00000000 00000001 00000028',
        '05 000000',
        PLAYPEN_OID,
        '00000005 74616c6c79 000000',
      ),
    );
  });

  test('agentx-Register-PDU: priority 127, no range, and INSTANCE_REGISTRATION when asked', () => {
    const bytes = encodeMessage({
      sessionId: 7,
      transactionId: 0,
      packetId: 2,
      flags: Flag.INSTANCE_REGISTRATION,
      pdu: { type: PduType.Register, timeout: 0, priority: 127, rangeSubid: 0, subtree: PLAYPEN },
    });
    assert.deepEqual(bytes, hex('01 03 11 00  00000007 00000000 00000002 0000001c', '00 7f 00 00', PLAYPEN_OID));
  });

  test('agentx-Register-PDU with a range carries r.upper_bound', () => {
    const bytes = encodeMessage({ sessionId: 7, transactionId: 0, packetId: 3, pdu: { type: PduType.Register, timeout: 2, priority: 1, rangeSubid: 10, subtree: PLAYPEN, upperBound: 9 } });
    assert.deepEqual(bytes, hex('01 03 10 00  00000007 00000000 00000003 00000020', '02 01 0a 00', PLAYPEN_OID, '00000009'));
  });

  test('agentx-Unregister-PDU, agentx-Ping-PDU and agentx-Close-PDU', () => {
    assert.deepEqual(
      encodeMessage({ sessionId: 7, transactionId: 0, packetId: 4, pdu: { type: PduType.Unregister, priority: 127, rangeSubid: 0, subtree: PLAYPEN } }),
      hex('01 04 10 00  00000007 00000000 00000004 0000001c', '00 7f 00 00', PLAYPEN_OID),
    );
    assert.deepEqual(encodeMessage({ sessionId: 7, transactionId: 0, packetId: 5, pdu: { type: PduType.Ping } }), hex('01 0d 10 00  00000007 00000000 00000005 00000000'));
    assert.deepEqual(
      encodeMessage({ sessionId: 7, transactionId: 0, packetId: 6, pdu: { type: PduType.Close, reason: CloseReason.reasonShutdown } }),
      hex('01 02 10 00  00000007 00000000 00000006 00000004', '05 000000'),
    );
  });

  test('a non-default context follows the header as an Octet String, with NON_DEFAULT_CONTEXT set', () => {
    assert.deepEqual(
      encodeMessage({ sessionId: 7, transactionId: 0, packetId: 5, context: 'ctx01', pdu: { type: PduType.Ping } }),
      hex('01 0d 18 00  00000007 00000000 00000005 0000000c', '00000005 6374783031 000000'),
    );
  });

  test('agentx-Response-PDU echoes the IDs and encodes each value type', () => {
    const bytes = encodeMessage({
      sessionId: 7,
      transactionId: 9,
      packetId: 0x11,
      pdu: {
        type: PduType.Response,
        sysUpTime: 0,
        error: ResponseError.noAgentXError,
        index: 0,
        varbinds: [
          { name: [...PLAYPEN, 1, 0], value: integer32(-2) },
          { name: [1, 3, 6, 1, 4, 1, 8072, 9999, 9999, 7, 2, 0], value: octetString('ü€') },
          { name: [2, 5], value: counter64(0x100000002n) },
          { name: [1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0], value: { type: ValueType.ObjectIdentifier, value: [1, 3, 6, 1, 4, 1, 8072, 9999] } },
          { name: [1, 3, 6, 1, 4, 1, 8072, 9999, 9999, 7, 3], value: { type: ValueType.endOfMibView } },
        ],
      },
    });
    assert.deepEqual(
      bytes,
      hex(
        '01 12 10 00  00000007 00000009 00000011 000000c8',
        '00000000 0000 0000',
        // Integer -2
        '0002 0000  07 04 00 00  00000001 00001f88 0000270f 0000270f 00000007 00000001 00000000  fffffffe',
        // OCTET STRING 'ü€': 5 UTF-8 bytes, 3 of padding
        '0004 0000  07 04 00 00  00000001 00001f88 0000270f 0000270f 00000007 00000002 00000000  00000005 c3bce282ac 000000',
        // Counter64, name not under 1.3.6.1: no prefix
        '0046 0000  02 00 00 00  00000002 00000005  00000001 00000002',
        // OBJECT IDENTIFIER value, itself prefix-compressed; name 1.3.6.1.6.3.1.1.4.1.0 has prefix 6
        '0006 0000  06 06 00 00  00000003 00000001 00000001 00000004 00000001 00000000  03 04 00 00 00000001 00001f88 0000270f',
        // endOfMibView: no data
        '0082 0000  06 04 00 00  00000001 00001f88 0000270f 0000270f 00000007 00000003',
      ),
    );
  });

  test('agentx-Notify-PDU carries its VarBindList', () => {
    const bytes = encodeMessage({
      sessionId: 7,
      transactionId: 0,
      packetId: 8,
      pdu: { type: PduType.Notify, varbinds: [{ name: [1, 3, 6, 1, 2, 1, 1, 3, 0], value: { type: ValueType.TimeTicks, value: 4242 } }] },
    });
    assert.deepEqual(bytes, hex('01 0c 10 00  00000007 00000000 00000008 0000001c', '0043 0000  04 02 00 00 00000001 00000001 00000003 00000000  00001092'));
  });

  test('the null OID and 1.3.6.1.x with x >= 256 are sent without a prefix', () => {
    const open = encodeMessage({ sessionId: 0, transactionId: 0, packetId: 1, pdu: { type: PduType.Open, timeout: 0, id: [1, 3, 6, 1, 300, 2], description: '' } });
    assert.deepEqual(open, hex('01 01 10 00  00000000 00000000 00000001 00000024', '00 000000', '06 00 00 00 00000001 00000003 00000006 00000001 0000012c 00000002', '00000000'));
    const empty = encodeMessage({ sessionId: 0, transactionId: 0, packetId: 1, pdu: { type: PduType.Open, timeout: 0, id: [], description: '' } });
    assert.deepEqual(empty, hex('01 01 10 00  00000000 00000000 00000001 0000000c', '00 000000', '00 00 00 00', '00000000'));
  });

  test('an out-of-range value is refused, not sent wrapped', () => {
    const pdu = (value: number) => ({
      sessionId: 1,
      transactionId: 0,
      packetId: 1,
      pdu: { type: PduType.Response, sysUpTime: 0, error: 0, index: 0, varbinds: [{ name: [1, 3], value: { type: ValueType.Gauge32, value } }] },
    });
    assert.throws(() => encodeMessage(pdu(2 ** 32) as never), { code: 'AGENTX_VALUE' });
    assert.throws(() => encodeMessage(pdu(-1) as never), { code: 'AGENTX_VALUE' });
    assert.throws(() => encodeMessage({ sessionId: 0, transactionId: 0, packetId: 1, context: 'x', pdu: { type: PduType.Open, timeout: 0, id: [], description: '' } }), { code: 'AGENTX_VALUE' });
  });

  test('a PDU already handed out never changes, whatever is encoded after it (a refused one, many, a big one)', () => {
    const response = (packetId: number, text: string) => ({
      sessionId: 1,
      transactionId: 0,
      packetId,
      pdu: { type: PduType.Response, sysUpTime: 0, error: 0, index: 0, varbinds: [{ name: PLAYPEN, value: octetString(text) }] },
    });
    const first = encodeMessage(response(1, 'first'));
    const kept = Buffer.from(first);
    assert.throws(() => encodeMessage({ ...response(2, ''), pdu: { ...response(2, '').pdu, sysUpTime: -1 } }), { code: 'AGENTX_VALUE' });
    const many = Array.from({ length: 2000 }, (_, i) => encodeMessage(response(i + 2, `answer ${i}`)));
    const big = encodeMessage(response(9999, 'x'.repeat(65_535))); // more than any PDU before it, with them
    assert.deepEqual(first, kept);
    assert.deepEqual(many.map((bytes) => bytes.readUInt32BE(12)), Array.from({ length: 2000 }, (_, i) => i + 2));
    assert.equal(many[1999]?.subarray(-12).toString(), 'answer 1999\0');
    // Header, res fields, v.type, the prefixed OID, the string's length, its octets, one of padding.
    assert.equal(big.length, 20 + 8 + 4 + 24 + 4 + 65_535 + 1);
    assert.equal(big.subarray(-4).toString(), 'xxx\0');
  });
});
