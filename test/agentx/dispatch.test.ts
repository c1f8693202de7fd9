import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MibViewBuilder, PduType, ResponseError, ValueType, integer32, parseOid, type Pdu, type ResponsePdu, type VarBind } from '../../src/agentx/index.js';
import { answer } from '../../src/agentx/dispatch.js';
import { Registration, Registrations } from '../../src/agentx/registration.js';

const TIMEOUT = { timeout: 10_000 };
const A = parseOid('1.3.6.1.4.1.8072.9999.9999.7');
const B = parseOid('1.3.6.1.4.1.8072.9999.9999.9');

// Subtree A holds a column of three rows (.2.1.5.{1,2,3}); subtree B one scalar (.1.0).
// A's view also holds an object outside A, which must never be served through A.
function registrations(): Registrations {
  const set = new Registrations();
  const rows = [1, 2, 3].map((i) => ({ index: [i], value: () => integer32(i * 10) }));
  set.add(new Registration({ subtree: A, view: new MibViewBuilder().table([...A, 2, 1], [5], rows).scalar([...B, 7], () => integer32(-1)).build() }));
  set.add(new Registration({ subtree: B, view: new MibViewBuilder().scalar([...B, 1], () => integer32(99)).build() }));
  return set;
}

function ask(pdu: Pdu): ResponsePdu {
  const failures: unknown[] = [];
  const response = answer({ header: { version: 1, type: pdu.type, flags: 0x10, sessionId: 1, transactionId: 1, packetId: 1, payloadLength: 0 }, context: undefined, pdu }, registrations(), (f) => failures.push(f));
  assert.ok(response);
  return response;
}

const show = (varbinds: readonly VarBind[]) => varbinds.map((v) => `${v.name.slice(A.length - 1).join('.')}=${v.value.type === ValueType.Integer ? v.value.value : v.value.type}`);
const range = (start: readonly number[], include = false, end: readonly number[] = []) => ({ start, include, end });

describe('answers across registrations', TIMEOUT, () => {
  test('GetNext walks from one registered subtree into the next, and never serves outside a subtree', () => {
    const r = ask({ type: PduType.GetNext, ranges: [range([...A, 2, 1, 5, 3]), range([...B, 1, 0]), range([1, 3])] });
    assert.deepEqual(show(r.varbinds), ['9.1.0=99', `9.1.0=${ValueType.endOfMibView}`, '7.2.1.5.1=10']);
  });

  test('GetNext stops at the search range end', () => {
    const r = ask({ type: PduType.GetNext, ranges: [range([...A, 2, 1, 5, 3], false, B)] });
    assert.deepEqual(show(r.varbinds), [`7.2.1.5.3=${ValueType.endOfMibView}`]);
  });

  test('Get outside every subtree is noSuchObject', () => {
    const r = ask({ type: PduType.Get, ranges: [range([...B, 7, 0]), range([...A, 2, 1, 5, 2])] });
    assert.deepEqual(show(r.varbinds), [`9.7.0=${ValueType.noSuchObject}`, '7.2.1.5.2=20']);
  });
});

describe('GetBulk (RFC 2741 section 7.2.3.3)', TIMEOUT, () => {
  test('non-repeaters once, then repetitions continuing after each previous name', () => {
    const r = ask({ type: PduType.GetBulk, nonRepeaters: 1, maxRepetitions: 2, ranges: [range(A), range([...A, 2, 1, 5]), range(B)] });
    assert.equal(r.error, ResponseError.noAgentXError);
    assert.deepEqual(show(r.varbinds), ['7.2.1.5.1=10', '7.2.1.5.1=10', '9.1.0=99', '7.2.1.5.2=20', `9.1.0=${ValueType.endOfMibView}`]);
  });

  test('stops early once every repeater has reached endOfMibView', () => {
    const r = ask({ type: PduType.GetBulk, nonRepeaters: 0, maxRepetitions: 50, ranges: [range([...A, 2, 1, 5, 2], false, B)] });
    assert.deepEqual(show(r.varbinds), ['7.2.1.5.3=30', `7.2.1.5.3=${ValueType.endOfMibView}`]);
  });

  test('no repetitions and no ranges are fine', () => {
    assert.deepEqual(ask({ type: PduType.GetBulk, nonRepeaters: 0, maxRepetitions: 0, ranges: [range(A)] }).varbinds, []);
    assert.deepEqual(ask({ type: PduType.GetBulk, nonRepeaters: 5, maxRepetitions: 5, ranges: [] }).varbinds, []);
  });
});
