import {
  MibViewBuilder,
  ValueType,
  compareOid,
  counter32,
  counter64,
  formatOid,
  gauge32,
  integer32,
  ipAddress,
  objectIdentifier,
  octetString,
  parseOid,
  rowIndex,
  stringIndex,
  timeTicks,
  type MibView,
  type Oid,
  type TableRow,
  type Value,
} from '../../src/agentx/index.js';

/** Net-SNMP's playpen: never assigned to anything real. */
export const BASE = parseOid('1.3.6.1.4.1.8072.9999.9999.7');
/** An object snmpd itself serves right after our subtree (snmpd.conf `override`). */
export const AFTER = '1.3.6.1.4.1.8072.9999.9999.8.0';
export const AFTER_CONFIG = `override .${AFTER} integer 42`;
/** A notification OID under our subtree. */
export const TRAP = parseOid('1.3.6.1.4.1.8072.9999.9999.7.0.1');

/** Exactly 4096 bytes of UTF-8 that mixes 1-, 2- and 3-byte characters. */
export const BIG_TEXT = 'aü€'.repeat(682) + 'abcd';

export interface TestRow {
  name: string;
  n: number;
  text: string;
}

export const TEST_ROWS: TestRow[] = [
  { name: 'alpha', n: 1, text: 'first row' },
  { name: 'beta', n: 2, text: 'zweite Zeile: grün, 10 €' },
  { name: 'ümlaut-€', n: 3, text: '' },
  { name: 'big', n: 4, text: BIG_TEXT },
];

export const SCALAR_TEXT = 'tallyman agentx test';

/**
 * A scalar (.1) and a table (.2.1, INDEX a string) with a column of every SMI type:
 * 2 name, 3 Integer32, 4 Counter32, 5 Gauge32, 6 TimeTicks, 7 Counter64, 8 IpAddress,
 * 9 OBJECT IDENTIFIER, 10 text (up to 4 KiB).
 */
export function cells(row: TestRow): Map<number, Value> {
  return new Map<number, Value>([
    [2, octetString(row.name, 64)],
    [3, integer32(-row.n)],
    [4, counter32(row.n * 1000)],
    [5, gauge32(row.n)],
    [6, timeTicks(row.n * 100)],
    [7, counter64(2n ** 40n + BigInt(row.n))],
    [8, ipAddress(`10.0.0.${row.n}`)],
    [9, objectIdentifier([...BASE, row.n])],
    [10, octetString(row.text, 4096)],
  ]);
}

export const COLUMNS = [2, 3, 4, 5, 6, 7, 8, 9, 10];

export function testRows(rows: readonly TestRow[]): TableRow[] {
  return rows.map((row) => {
    const values = cells(row);
    return { index: rowIndex(stringIndex(row.name)), value: (column: number) => values.get(column) };
  });
}

export function testView(rows: readonly TestRow[] = TEST_ROWS, extra?: (builder: MibViewBuilder) => void): MibView {
  const builder = new MibViewBuilder().scalar([...BASE, 1], () => octetString(SCALAR_TEXT)).table([...BASE, 2, 1], COLUMNS, testRows(rows));
  extra?.(builder);
  return builder.build();
}

/** Every instance the test view holds, in SMI order, worked out without the view. */
export function expectedInstances(rows: readonly TestRow[] = TEST_ROWS): { oid: string; value: Value }[] {
  const all: { oid: Oid; value: Value }[] = [{ oid: [...BASE, 1, 0], value: octetString(SCALAR_TEXT) }];
  for (const row of rows) for (const [column, value] of cells(row)) all.push({ oid: [...BASE, 2, 1, column, ...stringIndex(row.name)], value });
  return all.sort((a, b) => compareOid(a.oid, b.oid)).map((e) => ({ oid: formatOid(e.oid), value: e.value }));
}

/** A value as `canonical` (snmp-output.ts) writes what the client tools print. */
export function described(value: Value): string {
  switch (value.type) {
    case ValueType.OctetString:
      return `OctetString:${Buffer.from(value.value).toString('hex')}`;
    case ValueType.Integer:
      return `Integer:${value.value}`;
    case ValueType.Counter32:
      return `Counter32:${value.value}`;
    case ValueType.Gauge32:
      return `Gauge32:${value.value}`;
    case ValueType.TimeTicks:
      return `TimeTicks:${value.value}`;
    case ValueType.Counter64:
      return `Counter64:${value.value}`;
    case ValueType.IpAddress:
      return `IpAddress:${[...value.value].join('.')}`;
    case ValueType.ObjectIdentifier:
      return `ObjectIdentifier:${formatOid(value.value)}`;
    default:
      return `type ${value.type}`;
  }
}
