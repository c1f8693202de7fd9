// The public face of the AgentX subagent library (RFC 2741). See README.md beside this file.

export { Subagent, SYS_UP_TIME_0, SNMP_TRAP_OID_0, type SubagentOptions, type NotifyOptions, type SubagentHealth } from './subagent.js';
export { Registration, DEFAULT_PRIORITY, type RegistrationOptions, type RegistrationState } from './registration.js';
export { STATE_MESSAGES, type SubagentStatus, type SubagentState } from './status.js';
export { defaultRetryStrategy, type RetryStrategy } from './retry.js';
export { DEFAULT_AGENTX_ADDRESS, formatAgentxAddress, netConnector, parseAgentxAddress, type AgentxAddress, type Connector } from './transport.js';
export { AgentxError, type AgentxErrorCode } from './errors.js';
export { silentLogger, type Logger } from './logger.js';
export { systemTimers, type Timers } from './timers.js';

// The object tree: OIDs, row indexes, SMI values, views.
export { compareOid, formatOid, isPrefixOf, parseOid, subtreeEnd, toOid, type Oid } from './mib/oid.js';
export { decodeIntegerIndex, decodeStringIndex, integerIndex, ipAddressIndex, oidIndex, rowIndex, stringIndex, type Decoded } from './mib/index-encoding.js';
export {
  COUNTER64_MAX,
  INTEGER32_MAX,
  INTEGER32_MIN,
  OCTET_STRING_MAX,
  UNSIGNED32_MAX,
  counter32,
  counter64,
  gauge32,
  integer32,
  ipAddress,
  nullValue,
  objectIdentifier,
  octetString,
  opaque,
  timeTicks,
  truncateUtf8,
} from './mib/smi.js';
export { MibView, MibViewBuilder } from './mib/view.js';
export { scalarObject, tableObject } from './mib/objects.js';
export type { MibObject, ScalarSpec, TableRow } from './mib/objects.js';

// The wire codec, for tools and tests that speak AgentX directly.
export { AGENTX_VERSION, CloseReason, Flag, PduType, ResponseError, ValueType, closeReasonName, pduTypeName, responseErrorName, valueTypeName } from './codec/constants.js';
export { HEADER_LENGTH, decodeHeader, type Header } from './codec/header.js';
export { PduParseError, decodeMessage, type DecodedMessage } from './codec/decode.js';
export { encodeMessage } from './codec/encode.js';
export { DEFAULT_MAX_PAYLOAD, Framer } from './codec/framer.js';
export type { SearchRange } from './codec/search-range.js';
export { END_OF_MIB_VIEW, NO_SUCH_INSTANCE, NO_SUCH_OBJECT, NULL, isEncodable, type Value, type VarBind } from './codec/varbind.js';
export type {
  AddAgentCapsPdu,
  ClosePdu,
  EmptyPdu,
  GetBulkPdu,
  GetPdu,
  Message,
  OpenPdu,
  Pdu,
  RegisterPdu,
  RemoveAgentCapsPdu,
  ResponsePdu,
  UnregisterPdu,
  VarBindListPdu,
} from './codec/pdu.js';
