import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ValueType,
  compareOid,
  counter32,
  counter64,
  formatOid,
  gauge32,
  integer32,
  integerIndex,
  ipAddress,
  ipAddressIndex,
  isPrefixOf,
  octetString,
  oidIndex,
  parseOid,
  rowIndex,
  stringIndex,
  decodeStringIndex,
  subtreeEnd,
  timeTicks,
} from '../../src/agentx/index.js';

const TIMEOUT = { timeout: 10_000 };

describe('OIDs', TIMEOUT, () => {
  test('parse dotted decimal, with or without the leading dot, and format back', () => {
    assert.deepEqual(parseOid('1.3.6.1.4.1'), [1, 3, 6, 1, 4, 1]);
    assert.deepEqual(parseOid('.1.3.6.1.4294967295'), [1, 3, 6, 1, 4294967295]);
    assert.equal(formatOid([1, 3, 6, 1]), '1.3.6.1');
  });

  test('refuse what is not an OID, with AGENTX_OID', () => {
    for (const bad of ['1..3', '1.3.x', '1.3.4294967296', '1.-3', ' 1.3']) assert.throws(() => parseOid(bad), { code: 'AGENTX_OID' }, bad);
  });

  test('compare in SMI order: a prefix first, then by sub-identifier as numbers', () => {
    const sorted = ['1.3.6.1.10', '1.3.6.1', '1.3.6.1.9.5', '1.3.6.1.9', '1.3.6.2'].map(parseOid).sort(compareOid).map(formatOid);
    assert.deepEqual(sorted, ['1.3.6.1', '1.3.6.1.9', '1.3.6.1.9.5', '1.3.6.1.10', '1.3.6.2']);
  });

  test('prefixes and the end of a subtree', () => {
    assert.ok(isPrefixOf([1, 3], [1, 3, 6]));
    assert.ok(isPrefixOf([1, 3], [1, 3]));
    assert.ok(!isPrefixOf([1, 3, 6], [1, 3]));
    assert.deepEqual(subtreeEnd([1, 3, 6]), [1, 3, 7]);
    assert.deepEqual(subtreeEnd([1, 3, 4294967295]), [1, 4]);
  });
});

describe('row indexes as RFC 2578 section 7.7 encodes them', TIMEOUT, () => {
  test('a string index is its UTF-8 byte count, then the bytes', () => {
    assert.deepEqual(stringIndex('DB'), [2, 68, 66]);
    assert.deepEqual(stringIndex('ü'), [2, 195, 188]);
    assert.deepEqual(stringIndex('DB', true), [68, 66]);
  });

  test('two string parts (service, hostname) make one suffix that decodes back', () => {
    const index = rowIndex(stringIndex('web'), stringIndex('3f2a'));
    assert.deepEqual(index, [3, 119, 101, 98, 4, 51, 102, 50, 97]);
    const service = decodeStringIndex(index, 0);
    const host = decodeStringIndex(index, service?.next ?? -1);
    assert.equal(service?.value.toString(), 'web');
    assert.equal(host?.value.toString(), '3f2a');
    assert.equal(host?.next, index.length);
    assert.equal(decodeStringIndex([5, 1, 2], 0), undefined, 'a length running past the end');
  });

  test('integer, OID and IpAddress indexes', () => {
    assert.deepEqual(integerIndex(42), [42]);
    assert.throws(() => integerIndex(-1), { code: 'AGENTX_OID' });
    assert.deepEqual(oidIndex([1, 3, 6]), [3, 1, 3, 6]);
    assert.deepEqual(ipAddressIndex('172.17.0.1'), [172, 17, 0, 1]);
  });
});

describe('SMI values are forced into their range', TIMEOUT, () => {
  test('Integer32 and Gauge32 clamp; NaN is 0; fractions are cut', () => {
    assert.deepEqual(integer32(2 ** 40), { type: ValueType.Integer, value: 2147483647 });
    assert.deepEqual(integer32(-(2 ** 40)), { type: ValueType.Integer, value: -2147483648 });
    assert.deepEqual(integer32(NaN), { type: ValueType.Integer, value: 0 });
    assert.deepEqual(integer32(-2.7), { type: ValueType.Integer, value: -2 });
    assert.deepEqual(gauge32(-5), { type: ValueType.Gauge32, value: 0 });
    assert.deepEqual(gauge32(2 ** 33), { type: ValueType.Gauge32, value: 4294967295 });
  });

  test('Counter32, TimeTicks and Counter64 wrap as counters do (RFC 2578 sections 7.1.6, 7.1.8, 7.1.10)', () => {
    assert.deepEqual(counter32(2 ** 32 + 5), { type: ValueType.Counter32, value: 5 });
    assert.deepEqual(timeTicks(2 ** 32), { type: ValueType.TimeTicks, value: 0 });
    assert.deepEqual(counter64(2n ** 64n + 1n), { type: ValueType.Counter64, value: 1n });
    assert.deepEqual(counter64(12), { type: ValueType.Counter64, value: 12n });
  });

  test('OCTET STRING sizes are counted in UTF-8 bytes and cut at a character boundary', () => {
    assert.deepEqual(octetString('abc', 255), { type: ValueType.OctetString, value: 'abc' });
    const cut = octetString('aé€', 5).type === ValueType.OctetString ? (octetString('aé€', 5) as { value: Uint8Array }).value : undefined;
    // a (1) é (2) € (3): 5 bytes hold 'aé' only; never half of the euro sign.
    assert.deepEqual(Buffer.from(cut ?? []), Buffer.from('aé'));
    const long = 'ü'.repeat(3000);
    const value = (octetString(long, 4096) as { value: Uint8Array }).value;
    assert.equal(value.length, 4096);
    assert.equal(Buffer.from(value).toString('utf8'), 'ü'.repeat(2048));
  });

  test('IpAddress from dotted quad; anything else is refused', () => {
    assert.deepEqual(ipAddress('10.0.0.1'), { type: ValueType.IpAddress, value: Uint8Array.from([10, 0, 0, 1]) });
    assert.throws(() => ipAddress('10.0.0'), { code: 'AGENTX_VALUE' });
  });
});
