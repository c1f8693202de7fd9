import { CodedError } from '../common/coded-error.js';

/**
 * The library's one error type. `code` is stable (tests and callers branch on it); the message
 * says what happened and, where there is something to do, what to do.
 */
export type AgentxErrorCode =
  /** Bytes that are not a well-formed AgentX PDU (RFC 2741 section 6). */
  | 'AGENTX_PARSE'
  /** A value that cannot be encoded as its SMI type (out of range, wrong shape). */
  | 'AGENTX_VALUE'
  /** An OID or index that is malformed (text that is not dotted decimal, a sub-identifier out of range). */
  | 'AGENTX_OID'
  /** A view built from overlapping objects or duplicate rows. */
  | 'AGENTX_VIEW'
  /** The master agent did not answer within the request timeout. */
  | 'AGENTX_TIMEOUT'
  /** No AgentX session is open (snmpd not reachable yet, or the subagent was closed). */
  | 'AGENTX_NOT_OPEN'
  /** The master agent answered a request with an error (res.error is in `detail`). */
  | 'AGENTX_REFUSED'
  /** The connection to the master agent ended while a request was outstanding. */
  | 'AGENTX_CONNECTION_LOST'
  /** An option that cannot work (an unparseable agentx address, a bad timeout). */
  | 'AGENTX_CONFIG';

export class AgentxError extends CodedError<AgentxErrorCode> {
  constructor(
    code: AgentxErrorCode,
    message: string,
    /** Machine-readable detail, e.g. the master's res.error name. */
    readonly detail?: string,
  ) {
    super(code, message);
  }
}
