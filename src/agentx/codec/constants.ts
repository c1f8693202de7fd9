// The protocol's numbers under the RFC's names. Logs and errors print the names (the *Name
// functions below), never the bare numbers.

/** h.version, RFC 2741 section 6.1: the only version there is. */
export const AGENTX_VERSION = 1;

/** h.type, RFC 2741 section 6.1. */
export const PduType = {
  Open: 1,
  Close: 2,
  Register: 3,
  Unregister: 4,
  Get: 5,
  GetNext: 6,
  GetBulk: 7,
  TestSet: 8,
  CommitSet: 9,
  UndoSet: 10,
  CleanupSet: 11,
  Notify: 12,
  Ping: 13,
  IndexAllocate: 14,
  IndexDeallocate: 15,
  AddAgentCaps: 16,
  RemoveAgentCaps: 17,
  Response: 18,
} as const;
export type PduType = (typeof PduType)[keyof typeof PduType];

/** h.flags bits, RFC 2741 section 6.1. */
export const Flag = {
  INSTANCE_REGISTRATION: 0x01,
  NEW_INDEX: 0x02,
  ANY_INDEX: 0x04,
  NON_DEFAULT_CONTEXT: 0x08,
  NETWORK_BYTE_ORDER: 0x10,
} as const;

/** v.type, RFC 2741 section 5.4. */
export const ValueType = {
  Integer: 2,
  OctetString: 4,
  Null: 5,
  ObjectIdentifier: 6,
  IpAddress: 64,
  Counter32: 65,
  Gauge32: 66,
  TimeTicks: 67,
  Opaque: 68,
  Counter64: 70,
  noSuchObject: 128,
  noSuchInstance: 129,
  endOfMibView: 130,
} as const;
export type ValueType = (typeof ValueType)[keyof typeof ValueType];

/**
 * res.error, RFC 2741 section 6.2.16: the AgentX errors (256 and up) and, below them, the SNMP
 * error-status values of RFC 3416 section 3 that Get and Set responses carry.
 */
export const ResponseError = {
  noAgentXError: 0,
  tooBig: 1,
  noSuchName: 2,
  badValue: 3,
  readOnly: 4,
  genErr: 5,
  noAccess: 6,
  wrongType: 7,
  wrongLength: 8,
  wrongEncoding: 9,
  wrongValue: 10,
  noCreation: 11,
  inconsistentValue: 12,
  resourceUnavailable: 13,
  commitFailed: 14,
  undoFailed: 15,
  authorizationError: 16,
  notWritable: 17,
  inconsistentName: 18,
  openFailed: 256,
  notOpen: 257,
  indexWrongType: 258,
  indexAlreadyAllocated: 259,
  indexNoneAvailable: 260,
  indexNotAllocated: 261,
  unsupportedContext: 262,
  duplicateRegistration: 263,
  unknownRegistration: 264,
  unknownAgentCaps: 265,
  parseError: 266,
  requestDenied: 267,
  processingError: 268,
} as const;
export type ResponseError = (typeof ResponseError)[keyof typeof ResponseError];

/** c.reason, RFC 2741 section 6.2.2. */
export const CloseReason = {
  reasonOther: 1,
  reasonParseError: 2,
  reasonProtocolError: 3,
  reasonTimeouts: 4,
  reasonShutdown: 5,
  reasonByManager: 6,
} as const;
export type CloseReason = (typeof CloseReason)[keyof typeof CloseReason];

function namer(table: Record<string, number>, format: (name: string) => string = (name) => name): (value: number) => string {
  const names = new Map(Object.entries(table).map(([name, value]) => [value, format(name)]));
  return (value) => names.get(value) ?? `unknown(${value})`;
}

/** 'agentx-Get-PDU', as RFC 2741 section 6.2 names them. */
export const pduTypeName = namer(PduType, (name) => `agentx-${name}-PDU`);
export const valueTypeName = namer(ValueType);
export const responseErrorName = namer(ResponseError);
export const closeReasonName = namer(CloseReason);

/** Whether value is one of the h.type values of RFC 2741 section 6.1 (any PDU, 1 to 18). */
export function isPduType(value: number): value is PduType {
  return value >= PduType.Open && value <= PduType.Response;
}
