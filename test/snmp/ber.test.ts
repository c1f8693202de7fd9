import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BerError, BerReader, BerWriter } from '../../src/snmp/ber.js';
import { readPdu, writePdu, PduType } from '../../src/snmp/pdu.js';
import { counter32, counter64, integer32, octetString } from '../../src/agentx/mib/smi.js';

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');
const written = (write: (w: BerWriter) => void): string => {
  const w = new BerWriter(4);
  write(w);
  return w.toBuffer().toString('hex');
};

describe('BER encoding (X.690 as SNMP uses it)', () => {
  test('integers in the fewest octets, two\'s complement', () => {
    assert.equal(written((w) => w.integer(0)), '020100');
    assert.equal(written((w) => w.integer(127)), '02017f');
    assert.equal(written((w) => w.integer(128)), '02020080');
    assert.equal(written((w) => w.integer(-1)), '0201ff');
    assert.equal(written((w) => w.integer(-129)), '0202ff7f');
    assert.equal(written((w) => w.integer(-0x80000000)), '020480000000');
    // An unsigned 32-bit maximum (Counter32) needs the leading zero octet.
    assert.equal(written((w) => w.integer(0xffffffff, 0x41)), '410500ffffffff');
  });

  test('Counter64, OIDs and octet strings', () => {
    assert.equal(written((w) => w.unsigned64(0xffffffffffffffffn, 0x46)), '460900ffffffffffffffff');
    assert.equal(written((w) => w.oid([1, 3, 6, 1, 4, 1, 8072, 4294967295])), '060c2b06010401bf08' + '8fffffff7f');
    assert.equal(written((w) => w.octets('é')), '0402c3a9');
  });

  test('a long SEQUENCE moves its contents up for the long-form length', () => {
    const out = written((w) => {
      w.begin();
      w.octets(Buffer.alloc(300, 0x61));
      w.end();
    });
    assert.equal(out.slice(0, 16), '308201300482012c');
    assert.equal(out.length, (4 + 4 + 300) * 2);
  });
});

describe('BER decoding refuses what is not there', () => {
  test('reads back what was written', () => {
    const r = new BerReader(hex('3009 0201ff 0204 80000000'.replace(/ /g, '')));
    const seq = r.sequence();
    assert.equal(seq.integer(), -1);
    assert.equal(seq.integer(), -0x80000000);
    assert.ok(seq.done);
    assert.deepEqual(new BerReader(hex('060c2b06010401bf088fffffff7f')).oid(), [1, 3, 6, 1, 4, 1, 8072, 4294967295]);
  });

  for (const [what, bytes] of [
    ['a length past the end', '300a020100'],
    ['a huge length', '3084ffffffff00'],
    ['a 5-octet length', '30850000000001'],
    ['an indefinite length', '3080020100 0000'],
    ['a truncated header', '30'],
    ['an OID ending inside a sub-identifier', '06022b86'],
    ['an integer of 6 octets', '0206010203040506'],
  ] as const) {
    test(what, () => {
      assert.throws(() => {
        const r = new BerReader(hex(bytes));
        const t = r.peekTag();
        if (t === 0x06) r.oid();
        else if (t === 0x02) r.integer();
        else r.sequence().integer();
      }, BerError);
    });
  }
});

describe('PDUs (RFC 3416 section 3)', () => {
  test('a GetRequest read, a Response written, byte for byte', () => {
    // GetRequest, request-id 1, 0, 0, { 1.3.6.1.2.1.1.1.0 = NULL }
    const get = hex('a019 020101 020100 020100 300e 300c 06082b06010201010100 0500');
    const pdu = readPdu(new BerReader(get));
    assert.deepEqual(pdu, { type: PduType.GetRequest, requestId: 1, field1: 0, field2: 0, names: [[1, 3, 6, 1, 2, 1, 1, 1, 0]] });
    const w = new BerWriter(8);
    const varbinds = [
      { name: [1, 3, 6, 1, 2, 1, 1, 7, 0], value: integer32(72) },
      { name: [1, 3], value: counter32(7) },
      { name: [1, 3], value: counter64(1n) },
      { name: [1, 3], value: octetString('ok') },
      { name: [1, 3], value: { type: 0x81 } as const },
    ];
    writePdu(w, { type: PduType.Response, requestId: 1, errorStatus: 0, errorIndex: 0, varbinds }, () => true, false);
    assert.equal(
      w.toBuffer().toString('hex'),
      'a23a' + '020101020100020100' + '302f' + '300d06082b06010201010700020148' + '300606012b410107' + '300606012b460101' + '300706012b04026f6b' + '300506012b8100',
    );
  });

  test('a response that does not fit: truncated when allowed, refused otherwise', () => {
    const varbinds = Array.from({ length: 10 }, () => ({ name: [1, 3], value: integer32(1) }));
    const w = new BerWriter();
    assert.equal(writePdu(w, { type: PduType.Response, requestId: 1, errorStatus: 0, errorIndex: 0, varbinds }, (n) => n <= 40, false), false);
    w.reset();
    assert.equal(writePdu(w, { type: PduType.Response, requestId: 1, errorStatus: 0, errorIndex: 0, varbinds }, (n) => n <= 40, true), true);
    const back = readPdu(new BerReader(w.toBuffer()));
    assert.ok(back.names.length > 0 && back.names.length < 10);
  });
});
