import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MibView, MibViewBuilder, ValueType, formatOid, integer32, octetString, parseOid, rowIndex, stringIndex, type TableRow, type Value, type VarBind } from '../../src/agentx/index.js';

const TIMEOUT = { timeout: 10_000 };
const BASE = '1.3.6.1.4.1.8072.9999.9999.7';
const oid = (suffix: string) => parseOid(`${BASE}.${suffix}`);
const show = (vb: VarBind) => `${formatOid(vb.name).slice(BASE.length + 1)}=${vb.value.type === ValueType.Integer ? vb.value.value : vb.value.type}`;

// A scalar .1 and a table .2.1 with columns 2 and 3 and rows indexed by a string: 'a', 'b', 'c'.
// Row 'b' has no column 3 (that cell does not exist). A cell's value: column * 100 + (1 for a, 2 for b, 3 for c).
function rows(names: string[]): TableRow[] {
  return names.map((name) => ({
    index: rowIndex(stringIndex(name)),
    value: (column: number): Value | undefined => (name === 'b' && column === 3 ? undefined : integer32(column * 100 + name.charCodeAt(0) - 96)),
  }));
}
const view = new MibViewBuilder()
  .table(`${BASE}.2.1`, [3, 2], rows(['c', 'a', 'b']))
  .scalar(`${BASE}.1`, () => octetString('v1'))
  .build();
// a = .1.97, b = .1.98, c = .1.99

describe('a view answers get', TIMEOUT, () => {
  test('an existing instance: its value', () => {
    assert.deepEqual(view.get(oid('1.0')), octetString('v1'));
    assert.deepEqual(view.get(oid('2.1.2.1.98')), integer32(202));
  });

  test('beneath one of our objects but no such instance: noSuchInstance (RFC 2741 section 7.2.3.1)', () => {
    for (const s of ['1.1', '1', '2.1.2', '2.1.2.1.100', '2.1.3.1.98', '2.1.2.1.97.0']) assert.equal(view.get(oid(s)).type, ValueType.noSuchInstance, s);
  });

  test('beneath no object of ours: noSuchObject', () => {
    for (const s of ['3', '2.1.4.1.97', '2.1', '2']) assert.equal(view.get(oid(s)).type, ValueType.noSuchObject, s);
    assert.equal(view.get(parseOid('1.3.6')).type, ValueType.noSuchObject);
  });
});

describe('a view answers getNext', TIMEOUT, () => {
  const next = (start: string, include = false, end = '') => show(view.getNext(start.startsWith('1.3.6.1.4.1.8072.9999') ? parseOid(start) : oid(start), include, end ? oid(end) : []));

  test('before the first object: the first instance', () => {
    assert.equal(next('1.3.6.1.4.1.8072.9999'), '1.0=4');
    assert.equal(next(BASE), '1.0=4');
  });

  test('walks scalar, then the table column by column, rows in index order, skipping missing cells', () => {
    const walk: string[] = [];
    let start = parseOid(BASE);
    for (;;) {
      const vb = view.getNext(start, false);
      if (vb.value.type === ValueType.endOfMibView) break;
      walk.push(show(vb));
      start = [...vb.name];
    }
    assert.deepEqual(walk, ['1.0=4', '2.1.2.1.97=201', '2.1.2.1.98=202', '2.1.2.1.99=203', '2.1.3.1.97=301', '2.1.3.1.99=303']);
  });

  test('between rows, and from an index that is not a row', () => {
    assert.equal(next('2.1.2.1.97.5'), '2.1.2.1.98=202');
    assert.equal(next('2.1.2.0'), '2.1.2.1.97=201');
    assert.equal(next('2.1.2.1.99'), '2.1.3.1.97=301');
    assert.equal(next('2.1.2.2'), '2.1.3.1.97=301');
    assert.equal(next('2.1.0'), '2.1.2.1.97=201');
    assert.equal(next('1.0'), '2.1.2.1.97=201');
  });

  test('include: the start itself when it exists, else its successor', () => {
    assert.equal(next('2.1.2.1.98', true), '2.1.2.1.98=202');
    assert.equal(next('2.1.2.1.98', false), '2.1.2.1.99=203');
    assert.equal(next('1.0', true), '1.0=4');
    assert.equal(next('2.1.3.1.98', true), '2.1.3.1.99=303', 'a missing cell is not returned even with include');
  });

  test('past the last instance: endOfMibView named after the start, never noSuchObject', () => {
    const vb = view.getNext(oid('2.1.3.1.99'), false);
    assert.deepEqual(vb, { name: oid('2.1.3.1.99'), value: { type: ValueType.endOfMibView } });
    assert.equal(next('3'), `3=${ValueType.endOfMibView}`);
    assert.equal(view.getNext(parseOid('1.3.7'), false).value.type, ValueType.endOfMibView);
  });

  test('the end bound is exclusive', () => {
    assert.equal(next('1.0', false, '2.1.2.1.97'), `1.0=${ValueType.endOfMibView}`);
    assert.equal(next('1.0', false, '2.1.2.1.97.0'), '2.1.2.1.97=201');
    assert.equal(view.getNext(parseOid(BASE), false, oid('1.0')).value.type, ValueType.endOfMibView);
    assert.equal(view.getNext(parseOid(BASE), false, oid('1.0.0')).value.type, ValueType.OctetString);
  });

  test('an empty table and an empty view end the walk cleanly', () => {
    const empty = new MibViewBuilder().table(`${BASE}.2.1`, [2, 3], []).build();
    assert.equal(empty.getNext(parseOid(BASE), false).value.type, ValueType.endOfMibView);
    assert.equal(empty.get(oid('2.1.2.1.97')).type, ValueType.noSuchInstance);
    assert.equal(MibView.empty.getNext([1, 3], false).value.type, ValueType.endOfMibView);
  });
});

describe('a view is built once and checked', TIMEOUT, () => {
  test('overlapping objects are refused', () => {
    assert.throws(() => new MibViewBuilder().scalar(`${BASE}.1`, () => integer32(1)).scalar(`${BASE}.1.5`, () => integer32(1)).build(), { code: 'AGENTX_VIEW' });
  });

  test('a row index that is not an OID is refused when the view is built', () => {
    assert.throws(() => new MibViewBuilder().table(`${BASE}.2.1`, [2], [{ index: [1, -1], value: () => integer32(1) }]).build(), { code: 'AGENTX_OID' });
  });

  test('two rows with one index are refused', () => {
    assert.throws(() => new MibViewBuilder().table(`${BASE}.2.1`, [2], rows(['a', 'a'])).build(), { code: 'AGENTX_VIEW' });
  });

  test('values are read live: a view need not be rebuilt when a value changes', () => {
    let n = 1;
    const live = new MibViewBuilder().scalar(`${BASE}.1`, () => integer32(n)).build();
    assert.deepEqual(live.get(oid('1.0')), integer32(1));
    n = 2;
    assert.deepEqual(live.get(oid('1.0')), integer32(2));
  });

  test('walks that interleave (parallel walkers) each get the right successor', () => {
    const many: TableRow[] = Array.from({ length: 50 }, (_, i) => ({ index: [i * 2], value: () => integer32(i) }));
    const table = new MibViewBuilder().table(`${BASE}.2.1`, [2, 3], many).build();
    const walk = (from: readonly number[]) => table.getNext(from, false).name;
    let a = walk(oid('2.1.2'));
    let b = walk(oid('2.1.3'));
    for (let i = 1; i < 50; i++) {
      a = walk([...a]);
      b = walk([...b]);
      assert.deepEqual([a, b], [oid(`2.1.2.${i * 2}`), oid(`2.1.3.${i * 2}`)]);
    }
    assert.deepEqual(table.getNext(oid('2.1.2.98'), false).name, oid('2.1.3.0'));
    assert.deepEqual(table.getNext(oid('2.1.2.40'), true).name, oid('2.1.2.40'), 'include after a walk passed the row');
    assert.deepEqual(table.getNext(oid('2.1.2.41'), false).name, oid('2.1.2.42'));
  });

  test('getNext reads values by binary search, not by visiting every row', () => {
    let reads = 0;
    const many: TableRow[] = Array.from({ length: 10_000 }, (_, i) => ({ index: [i], value: () => (reads++, integer32(i)) }));
    const big = new MibViewBuilder().table(`${BASE}.2.1`, [2], many).build();
    assert.deepEqual(big.getNext(oid('2.1.2.5000'), false), { name: oid('2.1.2.5001'), value: integer32(5001) });
    assert.equal(reads, 1);
  });
});
