import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { counter64, integer32 } from '../../src/agentx/mib/smi.js';
import { MibViewBuilder } from '../../src/agentx/mib/view.js';
import { ErrorStatus, NO_ERROR, PduType, type RequestPdu } from '../../src/snmp/pdu.js';
import { respond } from '../../src/snmp/responder.js';

// 1.3.6.1.4.1.99.1.0 = INTEGER 1, .2.0 = Counter64, .3.0 = INTEGER 3
const view = new MibViewBuilder()
  .scalar('1.3.6.1.4.1.99.1', () => integer32(1))
  .scalar('1.3.6.1.4.1.99.2', () => counter64(2n ** 40n))
  .scalar('1.3.6.1.4.1.99.3', () => integer32(3))
  .build();
const oid = (text: string) => text.split('.').map(Number);
const request = (type: number, names: string[], field1 = 0, field2 = 0): RequestPdu => ({ type, requestId: 7, field1, field2, names: names.map(oid) });

describe('the command responder (RFC 3416 section 4.2, RFC 3584 section 4.2.2)', () => {
  test('v1: a Counter64 cannot be sent: noSuchName for a Get, skipped by a GetNext', () => {
    const get = respond(view, request(PduType.GetRequest, ['1.3.6.1.4.1.99.1.0', '1.3.6.1.4.1.99.2.0']), 'v1', 65507)!;
    assert.deepEqual([get.errorStatus, get.errorIndex], [ErrorStatus.noSuchName, 2]);
    const next = respond(view, request(PduType.GetNextRequest, ['1.3.6.1.4.1.99.1.0']), 'v1', 65507)!;
    assert.deepEqual(next.varbinds.map((v) => v.name.join('.')), ['1.3.6.1.4.1.99.3.0']);
    const v2 = respond(view, request(PduType.GetNextRequest, ['1.3.6.1.4.1.99.1.0']), 'v2c', 65507)!;
    assert.deepEqual(v2.varbinds.map((v) => v.value), [counter64(2n ** 40n)]);
  });

  test('v1: GetBulk is not answered; Set is noSuchName (v1) or noAccess (v2c) at index 1', () => {
    assert.equal(respond(view, request(PduType.GetBulkRequest, ['1.3']), 'v1', 65507), null);
    assert.deepEqual(
      [PduType.SetRequest, PduType.SetRequest].map((t, i) => respond(view, request(t, ['1.3.6.1.4.1.99.1.0']), i === 0 ? 'v1' : 'v2c', 65507)!.errorStatus),
      [ErrorStatus.noSuchName, ErrorStatus.noAccess],
    );
  });

  test('GetBulk: negative fields count as 0, and the repetitions stop once all are endOfMibView', () => {
    const r = respond(view, request(PduType.GetBulkRequest, ['1.3.6.1.4.1.99.1.0', '1.3.6.1.4.1.99.2.0'], -3, 100), 'v2c', 65507)!;
    assert.equal(r.errorStatus, NO_ERROR);
    assert.deepEqual(
      r.varbinds.map((v) => `${v.name.join('.')}:${v.value.type}`),
      ['1.3.6.1.4.1.99.2.0:70', '1.3.6.1.4.1.99.3.0:2', '1.3.6.1.4.1.99.3.0:2', '1.3.6.1.4.1.99.3.0:130', '1.3.6.1.4.1.99.3.0:130', '1.3.6.1.4.1.99.3.0:130'],
    );
    assert.equal(respond(view, request(PduType.GetBulkRequest, ['1.3'], 0, -1), 'v2c', 65507)!.varbinds.length, 0);
  });

  test('a view that throws: genErr at index 1, the request\'s varbinds echoed', () => {
    const broken = { get: () => { throw new Error('x'); }, getNext: () => { throw new Error('x'); } };
    const r = respond(broken, request(PduType.GetRequest, ['1.3.6']), 'v2c', 65507)!;
    assert.deepEqual([r.errorStatus, r.errorIndex, r.varbinds.length], [ErrorStatus.genErr, 1, 1]);
  });
});
