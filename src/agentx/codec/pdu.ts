import type { CloseReason, PduType } from './constants.js';
import type { OidArray } from './oid.js';
import type { SearchRange } from './search-range.js';
import type { VarBind } from './varbind.js';

// The payload of each PDU (RFC 2741 section 6.2), discriminated by h.type. Header fields
// (session, transaction and packet IDs, flags) and the optional context travel beside them in a
// Message.

/** Section 6.2.1. */
export interface OpenPdu {
  readonly type: typeof PduType.Open;
  /** o.timeout: seconds the master should wait for this subagent; 0 for the master's default. */
  readonly timeout: number;
  /** o.id: identifies the subagent (e.g. its sysObjectID); may be empty. */
  readonly id: OidArray;
  /** o.descr: a DisplayString describing the subagent. */
  readonly description: string;
}

/** Section 6.2.2. */
export interface ClosePdu {
  readonly type: typeof PduType.Close;
  readonly reason: CloseReason;
}

/** Section 6.2.3. upperBound only with rangeSubid != 0. */
export interface RegisterPdu {
  readonly type: typeof PduType.Register;
  readonly timeout: number;
  readonly priority: number;
  readonly rangeSubid: number;
  readonly subtree: OidArray;
  readonly upperBound?: number;
}

/** Section 6.2.4. */
export interface UnregisterPdu {
  readonly type: typeof PduType.Unregister;
  readonly priority: number;
  readonly rangeSubid: number;
  readonly subtree: OidArray;
  readonly upperBound?: number;
}

/** Sections 6.2.5 and 6.2.6. */
export interface GetPdu {
  readonly type: typeof PduType.Get | typeof PduType.GetNext;
  readonly ranges: readonly SearchRange[];
}

/** Section 6.2.7. */
export interface GetBulkPdu {
  readonly type: typeof PduType.GetBulk;
  readonly nonRepeaters: number;
  readonly maxRepetitions: number;
  readonly ranges: readonly SearchRange[];
}

/** Sections 6.2.8, 6.2.10, 6.2.12 and 6.2.13: a VarBindList and nothing else. */
export interface VarBindListPdu {
  readonly type: typeof PduType.TestSet | typeof PduType.Notify | typeof PduType.IndexAllocate | typeof PduType.IndexDeallocate;
  readonly varbinds: readonly VarBind[];
}

/** Sections 6.2.9 and 6.2.11: the header (and for Ping, a context) only. */
export interface EmptyPdu {
  readonly type: typeof PduType.CommitSet | typeof PduType.UndoSet | typeof PduType.CleanupSet | typeof PduType.Ping;
}

/** Section 6.2.14. */
export interface AddAgentCapsPdu {
  readonly type: typeof PduType.AddAgentCaps;
  readonly id: OidArray;
  readonly description: string;
}

/** Section 6.2.15. */
export interface RemoveAgentCapsPdu {
  readonly type: typeof PduType.RemoveAgentCaps;
  readonly id: OidArray;
}

/** Section 6.2.16. */
export interface ResponsePdu {
  readonly type: typeof PduType.Response;
  /** res.sysUpTime: meaningful from the master; a subagent sends 0. */
  readonly sysUpTime: number;
  /** res.error: a ResponseError value. */
  readonly error: number;
  /** res.index: 1-based index of the failing VarBind or SearchRange; 0 when there is none. */
  readonly index: number;
  readonly varbinds: readonly VarBind[];
}

export type Pdu =
  | OpenPdu
  | ClosePdu
  | RegisterPdu
  | UnregisterPdu
  | GetPdu
  | GetBulkPdu
  | VarBindListPdu
  | EmptyPdu
  | AddAgentCapsPdu
  | RemoveAgentCapsPdu
  | ResponsePdu;

/** One PDU with the header fields that route it. */
export interface Message<P extends Pdu = Pdu> {
  readonly sessionId: number;
  readonly transactionId: number;
  readonly packetId: number;
  /** Flags other than NETWORK_BYTE_ORDER and NON_DEFAULT_CONTEXT, which the codec derives. */
  readonly flags?: number;
  /** Section 6.1.1: present only for a non-default context. */
  readonly context?: Uint8Array | string;
  readonly pdu: P;
}
