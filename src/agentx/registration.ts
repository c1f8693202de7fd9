import { END_OF_MIB_VIEW, NO_SUCH_OBJECT, type Value, type VarBind } from './codec/varbind.js';
import { AgentxError } from './errors.js';
import { compareOid, formatOid, isPrefixOf, subtreeEnd, toOid, type Oid } from './mib/oid.js';
import type { MibView } from './mib/view.js';

/** RFC 2741 section 6.2.3: r.priority's default; lower values win. */
export const DEFAULT_PRIORITY = 127;

export interface RegistrationOptions {
  /** The subtree to register (agentx-Register-PDU r.subtree). */
  subtree: Oid | string;
  /** What the subtree serves; swap it later with setView. */
  view: MibView;
  /** r.priority, 1..255, lower wins when two subagents register one subtree. Default 127. */
  priority?: number;
  /** r.timeout in seconds for requests in this subtree; 0 (default) takes the session's. */
  timeout?: number;
}

/**
 * Where a registration stands with the master agent on the current connection:
 * - pending: not sent yet (no session open);
 * - registering: agentx-Register-PDU sent, no answer yet;
 * - registered: the master accepted it and routes requests to us;
 * - retrying: the master answered duplicateRegistration (an older session of ours, not yet
 *   reaped, still holds the subtree); sent again after a delay;
 * - failed: refused for another reason (see error); tried again on the next connection.
 */
export type RegistrationState = 'pending' | 'registering' | 'registered' | 'retrying' | 'failed';

/** One registered subtree: the desired state, replayed on every new session, and its view. */
export class Registration {
  readonly subtree: Oid;
  readonly priority: number;
  readonly timeout: number;
  /** The first OID past the subtree (exclusive); undefined when nothing follows it. */
  readonly end: Oid | undefined;
  state: RegistrationState = 'pending';
  /** Why the last attempt failed, by the RFC's error name. */
  error: string | undefined;
  private current: MibView;

  constructor(options: RegistrationOptions) {
    this.subtree = toOid(options.subtree);
    this.priority = options.priority ?? DEFAULT_PRIORITY;
    this.timeout = options.timeout ?? 0;
    if (this.subtree.length === 0) throw new AgentxError('AGENTX_CONFIG', 'a registration needs a non-empty subtree');
    if (!Number.isInteger(this.priority) || this.priority < 1 || this.priority > 255) throw new AgentxError('AGENTX_CONFIG', `priority ${this.priority} is not 1..255`);
    if (!Number.isInteger(this.timeout) || this.timeout < 0 || this.timeout > 255) throw new AgentxError('AGENTX_CONFIG', `timeout ${this.timeout} is not 0..255 seconds`);
    this.end = subtreeEnd(this.subtree);
    this.current = options.view;
  }

  get view(): MibView {
    return this.current;
  }

  /** Swaps in a new view; requests after this call see it, none sees a mix of the two. */
  setView(view: MibView): void {
    this.current = view;
  }
}

/** The registrations in subtree order, answering Get and GetNext across them. */
export class Registrations {
  private sorted: Registration[] = [];

  get list(): readonly Registration[] {
    return this.sorted;
  }

  add(registration: Registration): void {
    if (this.sorted.some((r) => compareOid(r.subtree, registration.subtree) === 0)) {
      throw new AgentxError('AGENTX_CONFIG', `subtree ${formatOid(registration.subtree)} is registered already`);
    }
    this.sorted = [...this.sorted, registration].sort((a, b) => compareOid(a.subtree, b.subtree));
  }

  remove(registration: Registration): boolean {
    const before = this.sorted.length;
    this.sorted = this.sorted.filter((r) => r !== registration);
    return this.sorted.length !== before;
  }

  /** The value of name from the most specific registration holding it; noSuchObject if none does. */
  get(name: Oid): Value {
    let best: Registration | undefined;
    for (const r of this.sorted) {
      if (isPrefixOf(r.subtree, name) && (best === undefined || r.subtree.length > best.subtree.length)) best = r;
    }
    return best === undefined ? NO_SUCH_OBJECT : best.view.get(name);
  }

  /**
   * The first instance after start (at it, when include) before end, looking only inside our
   * registered subtrees, in order. endOfMibView named start when there is none.
   */
  getNext(start: Oid, include: boolean, end: Oid): VarBind {
    for (const r of this.sorted) {
      if (end.length > 0 && compareOid(r.subtree, end) >= 0) break;
      if (r.end !== undefined && compareOid(r.end, start) <= 0) continue;
      const before = compareOid(start, r.subtree) < 0;
      const upper = r.end === undefined || (end.length > 0 && compareOid(end, r.end) < 0) ? end : r.end;
      const found = r.view.getNext(before ? r.subtree : start, before ? true : include, upper);
      if (found.value.type !== END_OF_MIB_VIEW.type) return found;
    }
    return { name: start, value: END_OF_MIB_VIEW };
  }
}
