import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Framer } from '../../src/agentx/index.js';
import { hex } from './bytes.js';

const TIMEOUT = { timeout: 10_000 };

// Three PDUs as snmpd might batch them: a Response (big-endian), a GetNext (little-endian), a CleanupSet.
const RESPONSE = hex('01 12 10 00  0000002a 00000000 00000001 00000008', '00001234 0000 0000');
const GETNEXT_LE = hex('01 06 00 00  07000000 09000000 11000000 10000000', '02 00 01 00 01000000 03000000', '00 00 00 00');
const CLEANUP = hex('01 0b 10 00  00000007 00000003 00000005 00000000');

function collect(): { framer: Framer; frames: Buffer[] } {
  const frames: Buffer[] = [];
  return { framer: new Framer((frame) => frames.push(Buffer.from(frame))), frames };
}

describe('the framer cuts a stream into whole PDUs', TIMEOUT, () => {
  test('several PDUs in one read come out one by one, in order', () => {
    const { framer, frames } = collect();
    framer.push(Buffer.concat([RESPONSE, GETNEXT_LE, CLEANUP]));
    assert.deepEqual(frames, [RESPONSE, GETNEXT_LE, CLEANUP]);
    assert.equal(framer.pendingBytes, 0);
  });

  test('one PDU split at every byte boundary comes out whole, once', () => {
    for (const pdu of [RESPONSE, GETNEXT_LE, CLEANUP]) {
      for (let cut = 1; cut < pdu.length; cut++) {
        const { framer, frames } = collect();
        framer.push(pdu.subarray(0, cut));
        assert.deepEqual(frames, [], `nothing before the last byte (cut at ${cut})`);
        framer.push(pdu.subarray(cut));
        assert.deepEqual(frames, [pdu], `whole after the rest (cut at ${cut})`);
      }
    }
  });

  test('a stream fed one byte at a time', () => {
    const stream = Buffer.concat([GETNEXT_LE, RESPONSE, CLEANUP, GETNEXT_LE]);
    const { framer, frames } = collect();
    for (const byte of stream) framer.push(Buffer.from([byte]));
    assert.deepEqual(frames, [GETNEXT_LE, RESPONSE, CLEANUP, GETNEXT_LE]);
  });

  test('a read that ends one PDU and starts the next', () => {
    const stream = Buffer.concat([RESPONSE, GETNEXT_LE]);
    const { framer, frames } = collect();
    framer.push(stream.subarray(0, RESPONSE.length + 5));
    assert.deepEqual(frames, [RESPONSE]);
    assert.equal(framer.pendingBytes, 5);
    framer.push(stream.subarray(RESPONSE.length + 5));
    assert.deepEqual(frames, [RESPONSE, GETNEXT_LE]);
  });

  test('what it keeps between reads survives the read buffer being reused', () => {
    const readBuffer = Buffer.alloc(64);
    const { framer, frames } = collect();
    const stream = Buffer.concat([RESPONSE, GETNEXT_LE]);
    const first = RESPONSE.length + 10;
    stream.copy(readBuffer, 0, 0, first);
    framer.push(readBuffer.subarray(0, first));
    readBuffer.fill(0xee);
    stream.copy(readBuffer, 0, first);
    framer.push(readBuffer.subarray(0, stream.length - first));
    assert.deepEqual(frames, [RESPONSE, GETNEXT_LE]);
  });

  test('the payload length is read in the byte order the flags announce', () => {
    // Little-endian length 8 and big-endian length 8: both frames are 28 bytes.
    const le = hex('01 12 00 00  2a000000 00000000 01000000 08000000', '00000000 00000000');
    const be = hex('01 12 10 00  0000002a 00000000 00000001 00000008', '00000000 00000000');
    const { framer, frames } = collect();
    framer.push(Buffer.concat([le, be]));
    assert.deepEqual(frames, [le, be]);
  });

  test('an absurd payload length is a parse error, not a wait for 4 GB', () => {
    const { framer } = collect();
    assert.throws(() => framer.push(hex('01 12 10 00  00000001 00000000 00000001 7fffffff')), { code: 'AGENTX_PARSE' });
  });
});
