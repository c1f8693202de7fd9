import { MibView, MibViewBuilder, ValueType, type MibObject, type Oid, type TableRow, type Value, type VarBind } from '../../agentx/index.js';

/**
 * A MibObject that answers from an inner view, rebuilt on demand: rows appear and vanish for
 * SNMP the moment the registry adds or removes them, yet a burst of changes (10 000 containers
 * starting) costs one rebuild, at the next request, not one per change.
 */
export class LiveObject implements MibObject {
  private inner: MibView | null = null;

  constructor(
    readonly oid: Oid,
    private readonly build: (builder: MibViewBuilder) => MibViewBuilder,
  ) {}

  /** The rows changed: rebuild before the next answer. */
  invalidate(): void {
    this.inner = null;
  }

  private view(): MibView {
    this.inner ??= this.build(new MibViewBuilder()).build();
    return this.inner;
  }

  get(name: Oid): Value {
    return this.view().get(name);
  }

  next(start: Oid, include: boolean): VarBind | undefined {
    const found = this.view().getNext(start, include);
    return found.value.type === ValueType.endOfMibView ? undefined : found;
  }
}

export function liveTable(entry: Oid, columns: readonly number[], rows: () => Iterable<TableRow>): LiveObject {
  return new LiveObject(entry, (b) => b.table(entry, columns, rows()));
}

export function liveScalar(oid: Oid, value: () => Value | undefined): LiveObject {
  return new LiveObject(oid, (b) => b.scalar(oid, value));
}
