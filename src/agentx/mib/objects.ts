import { NO_SUCH_INSTANCE, NO_SUCH_OBJECT, type Value, type VarBind } from '../codec/varbind.js';
import { AgentxError } from '../errors.js';
import { compareOid, formatOid, isPrefixOf, toOid, type Oid } from './oid.js';

/** A scalar object: one instance, OID.0, whose value is read when asked for. */
export interface ScalarSpec {
  readonly oid: Oid;
  /** The current value, or undefined when the object has no instance right now. */
  readonly value: () => Value | undefined;
}

/** One conceptual row: its instance suffix (mib/index-encoding.ts) and live column values. */
export interface TableRow {
  readonly index: Oid;
  /** The current value of a column in this row, or undefined when that cell does not exist. */
  value(column: number): Value | undefined;
}

/**
 * An object the view answers for: a scalar, or a table by its entry OID (instances are
 * entry.column.index). Objects in one view never overlap.
 */
export interface MibObject {
  readonly oid: Oid;
  /** RFC 2741 section 7.2.3.1 steps (2) to (4) for a name beneath this object's OID. */
  get(name: Oid): Value;
  /** The first instance after start (at or after, when include), start being before or inside this object. */
  next(start: Oid, include: boolean): VarBind | undefined;
}

export class ScalarObject implements MibObject {
  readonly oid: Oid;
  private readonly instance: Oid;

  constructor(private readonly spec: ScalarSpec) {
    this.oid = spec.oid;
    this.instance = [...spec.oid, 0];
  }

  get(name: Oid): Value {
    return compareOid(name, this.instance) === 0 ? (this.spec.value() ?? NO_SUCH_INSTANCE) : NO_SUCH_INSTANCE;
  }

  next(start: Oid, include: boolean): VarBind | undefined {
    const order = compareOid(this.instance, start);
    if (order < 0 || (order === 0 && !include)) return undefined;
    const value = this.spec.value();
    return value === undefined ? undefined : { name: this.instance, value };
  }
}

/** Compares a row index with the part of `oid` from `offset` on, without copying. */
function compareSuffix(index: Oid, oid: Oid, offset: number): number {
  const rest = oid.length - offset;
  const n = index.length < rest ? index.length : rest;
  for (let i = 0; i < n; i++) {
    const x = index[i] as number;
    const y = oid[offset + i] as number;
    if (x !== y) return x < y ? -1 : 1;
  }
  return index.length === rest ? 0 : index.length < rest ? -1 : 1;
}

/** entry.column.index, filled in place (a GetNext builds one per answer). */
function instanceName(entry: Oid, column: number, index: Oid): number[] {
  const e = entry.length;
  const name = new Array<number>(e + 1 + index.length);
  for (let i = 0; i < e; i++) name[i] = entry[i] as number;
  name[e] = column;
  for (let i = 0; i < index.length; i++) name[e + 1 + i] = index[i] as number;
  return name;
}

export class TableObject implements MibObject {
  /**
   * Where the last answer came from. A walk asks next for exactly the name it was given, so
   * checking this row first spares the binary search; any other start falls back to it.
   */
  private lastColumn = -1;
  private lastRow = -1;

  /** rows sorted by index, columns ascending: both done once, when the view is built. */
  constructor(
    readonly oid: Oid,
    private readonly columns: readonly number[],
    private readonly rows: readonly TableRow[],
  ) {}

  get(name: Oid): Value {
    const e = this.oid.length;
    if (name.length <= e || !this.hasColumn(name[e] as number)) return NO_SUCH_OBJECT;
    const r = this.firstRow(name, e + 1, true);
    const row = this.rows[r];
    if (row === undefined || compareSuffix(row.index, name, e + 1) !== 0) return NO_SUCH_INSTANCE;
    return row.value(name[e] as number) ?? NO_SUCH_INSTANCE;
  }

  next(start: Oid, include: boolean): VarBind | undefined {
    const e = this.oid.length;
    if (start.length <= e || !isPrefixOf(this.oid, start)) return this.scan(0, 0);
    const column = start[e] as number;
    let c = 0;
    while (c < this.columns.length && (this.columns[c] as number) < column) c++;
    if (this.columns[c] !== column) return this.scan(c, 0);
    const last = this.rows[this.lastRow];
    if (!include && c === this.lastColumn && last !== undefined && compareSuffix(last.index, start, e + 1) === 0) return this.scan(c, this.lastRow + 1);
    return this.scan(c, this.firstRow(start, e + 1, include));
  }

  private hasColumn(column: number): boolean {
    for (const c of this.columns) if (c === column) return true;
    return false;
  }

  /** Binary search: the first row whose index is after (or equal to, when include) oid[offset..]. */
  private firstRow(oid: Oid, offset: number, include: boolean): number {
    let lo = 0;
    let hi = this.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const order = compareSuffix((this.rows[mid] as TableRow).index, oid, offset);
      if (order < 0 || (order === 0 && !include)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The first existing cell from (column c, row r) on, column by column: the table's lexicographic order. */
  private scan(c: number, r: number): VarBind | undefined {
    for (; c < this.columns.length; c++, r = 0) {
      const column = this.columns[c] as number;
      for (; r < this.rows.length; r++) {
        const row = this.rows[r] as TableRow;
        const value = row.value(column);
        if (value !== undefined) {
          this.lastColumn = c;
          this.lastRow = r;
          return { name: instanceName(this.oid, column, row.index), value };
        }
      }
    }
    return undefined;
  }
}

/** A scalar object; its one instance is oid.0. */
export function scalarObject(oid: Oid | string, value: ScalarSpec['value']): MibObject {
  return new ScalarObject({ oid: toOid(oid), value });
}

/**
 * A table by its entry OID, columns and rows in any order: sorted here, once. Throws
 * AGENTX_VIEW when two rows have one index.
 */
export function tableObject(entry: Oid | string, columns: readonly number[], rows: Iterable<TableRow>): MibObject {
  const entryOid = toOid(entry);
  const sortedColumns = [...new Set(columns)].sort((a, b) => a - b);
  const sortedRows = [...rows].sort((a, b) => compareOid(a.index, b.index));
  for (const row of sortedRows) toOid(row.index);
  for (let i = 1; i < sortedRows.length; i++) {
    if (compareOid((sortedRows[i - 1] as TableRow).index, (sortedRows[i] as TableRow).index) === 0) {
      throw new AgentxError('AGENTX_VIEW', `table ${formatOid(entryOid)} has two rows with index ${formatOid((sortedRows[i] as TableRow).index)}`);
    }
  }
  return new TableObject(entryOid, sortedColumns, sortedRows);
}
