import { END_OF_MIB_VIEW, NO_SUCH_OBJECT, type Value, type VarBind } from '../codec/varbind.js';
import { AgentxError } from '../errors.js';
import { scalarObject, tableObject, type MibObject, type ScalarSpec, type TableRow } from './objects.js';
import { compareOid, formatOid, isPrefixOf, type Oid } from './oid.js';

/**
 * An immutable, sorted set of scalars and tables that answers Get and GetNext by binary search
 * (nothing is sorted per request; only a hint of where the last answer came from changes). Values are read live through each object's functions, so a
 * producer rebuilds the view only when rows appear or vanish, and swaps the new one in whole
 * (Registration.setView): a request sees either the old view or the new one, never a mix.
 */
export class MibView {
  static readonly empty = new MibView([]);

  /**
   * The object of the last answer. A walk's next start lies in it, so checking it first spares
   * the binary search; any other start falls back to it.
   */
  private lastObject = -1;

  /** Objects sorted by OID, none beneath another. */
  private constructor(private readonly objects: readonly MibObject[]) {}

  /** Builds a view; throws AGENTX_VIEW when objects overlap or a table has two rows with one index. */
  static of(objects: readonly MibObject[]): MibView {
    const sorted = [...objects].sort((a, b) => compareOid(a.oid, b.oid));
    for (let i = 1; i < sorted.length; i++) {
      const prev = (sorted[i - 1] as MibObject).oid;
      const cur = (sorted[i] as MibObject).oid;
      if (isPrefixOf(prev, cur)) throw new AgentxError('AGENTX_VIEW', `objects ${formatOid(prev)} and ${formatOid(cur)} overlap: one lies beneath the other`);
    }
    return new MibView(sorted);
  }

  get objectCount(): number {
    return this.objects.length;
  }

  /**
   * RFC 2741 section 7.2.3.1: the value of exactly `name`; noSuchInstance when name lies beneath
   * one of our objects (a scalar, a table column) but has no value; noSuchObject otherwise.
   */
  get(name: Oid): Value {
    const i = this.containing(name);
    return i < 0 ? NO_SUCH_OBJECT : (this.objects[i] as MibObject).get(name);
  }

  /**
   * RFC 2741 section 7.2.3.2: the first instance after `start` (or at it, when include) and
   * before `end` (exclusive; empty for no bound). None: endOfMibView named start, never
   * noSuchObject, so a walk goes on to the next subagent's or snmpd's own objects.
   */
  getNext(start: Oid, include: boolean, end: Oid = []): VarBind {
    const bounded = end.length > 0;
    for (let i = this.firstCandidate(start); i < this.objects.length; i++) {
      const object = this.objects[i] as MibObject;
      if (bounded && compareOid(object.oid, end) >= 0) break;
      const found = object.next(start, include);
      if (found === undefined) continue;
      if (bounded && compareOid(found.name, end) >= 0) break;
      this.lastObject = i;
      return found;
    }
    return { name: start, value: END_OF_MIB_VIEW };
  }

  /** The last object whose OID sorts at or before oid, by binary search; -1 if none. */
  private lastAtOrBefore(oid: Oid): number {
    let lo = 0;
    let hi = this.objects.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareOid((this.objects[mid] as MibObject).oid, oid) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /** The object whose subtree holds oid, or -1. */
  private containing(oid: Oid): number {
    const i = this.lastAtOrBefore(oid);
    return i >= 0 && isPrefixOf((this.objects[i] as MibObject).oid, oid) ? i : -1;
  }

  /** The first object that may hold something after start: the one containing it, else the next. */
  private firstCandidate(start: Oid): number {
    const last = this.lastObject;
    if (last >= 0 && isPrefixOf((this.objects[last] as MibObject).oid, start)) return last;
    const i = this.lastAtOrBefore(start);
    return i >= 0 && isPrefixOf((this.objects[i] as MibObject).oid, start) ? i : i + 1;
  }
}

/** Collects scalars and tables, then sorts them once into a MibView. */
export class MibViewBuilder {
  private readonly objects: MibObject[] = [];

  /** A scalar object; its one instance is oid.0. */
  scalar(oid: Oid | string, value: ScalarSpec['value']): this {
    this.objects.push(scalarObject(oid, value));
    return this;
  }

  /**
   * A table by its entry OID (the xxxEntry object, e.g. ...1.2.1); columns are the column
   * sub-identifiers under it; rows in any order.
   */
  table(entry: Oid | string, columns: readonly number[], rows: Iterable<TableRow>): this {
    this.objects.push(tableObject(entry, columns, rows));
    return this;
  }

  build(): MibView {
    return MibView.of(this.objects);
  }
}
