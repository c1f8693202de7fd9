import { scalarObject, tableObject, type MibObject, type Oid, type TableRow, type Value, type VarBind } from '../../agentx/index.js';

/**
 * A MibObject whose inner object is rebuilt on demand: rows appear and vanish for SNMP the
 * moment the registry adds or removes them, yet a burst of changes (10 000 containers
 * starting) costs one rebuild, at the next request, not one per change. The view holding it
 * asks only for names beneath its OID or after a start before or inside it (MibObject's
 * contract), so it hands requests straight to the inner object.
 */
export class LiveObject implements MibObject {
  private inner: MibObject | null = null;

  constructor(
    readonly oid: Oid,
    private readonly build: () => MibObject,
  ) {}

  /** The rows changed: rebuild before the next answer. */
  invalidate(): void {
    this.inner = null;
  }

  private object(): MibObject {
    this.inner ??= this.build();
    return this.inner;
  }

  get(name: Oid): Value {
    return this.object().get(name);
  }

  next(start: Oid, include: boolean): VarBind | undefined {
    return this.object().next(start, include);
  }
}

export function liveTable(entry: Oid, columns: readonly number[], rows: () => Iterable<TableRow>): LiveObject {
  return new LiveObject(entry, () => tableObject(entry, columns, rows()));
}

export function liveScalar(oid: Oid, value: () => Value | undefined): LiveObject {
  return new LiveObject(oid, () => scalarObject(oid, value));
}
