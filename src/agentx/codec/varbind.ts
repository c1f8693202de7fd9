import { AgentxError } from '../errors.js';
import { ValueType, valueTypeName } from './constants.js';
import { readOid, writeOid, type OidArray } from './oid.js';
import type { Reader } from './reader.js';
import type { Writer } from './writer.js';

/**
 * A VarBind's value, by v.type (RFC 2741 section 5.4). Numbers must already be in their SMI
 * range (mib/smi.ts's constructors clamp); the encoder refuses anything else rather than send a
 * value snmpd would misread. OCTET STRING text is sent as UTF-8 and its length counted in bytes.
 */
export type Value =
  | { readonly type: typeof ValueType.Integer; readonly value: number }
  | { readonly type: typeof ValueType.OctetString; readonly value: Uint8Array | string }
  | { readonly type: typeof ValueType.Null }
  | { readonly type: typeof ValueType.ObjectIdentifier; readonly value: OidArray }
  | { readonly type: typeof ValueType.IpAddress; readonly value: Uint8Array }
  | { readonly type: typeof ValueType.Counter32; readonly value: number }
  | { readonly type: typeof ValueType.Gauge32; readonly value: number }
  | { readonly type: typeof ValueType.TimeTicks; readonly value: number }
  | { readonly type: typeof ValueType.Opaque; readonly value: Uint8Array }
  | { readonly type: typeof ValueType.Counter64; readonly value: bigint }
  | { readonly type: typeof ValueType.noSuchObject }
  | { readonly type: typeof ValueType.noSuchInstance }
  | { readonly type: typeof ValueType.endOfMibView };

export interface VarBind {
  readonly name: OidArray;
  readonly value: Value;
}

export const NO_SUCH_OBJECT: Value = { type: ValueType.noSuchObject };
export const NO_SUCH_INSTANCE: Value = { type: ValueType.noSuchInstance };
export const END_OF_MIB_VIEW: Value = { type: ValueType.endOfMibView };
export const NULL: Value = { type: ValueType.Null };

const UINT32_MAX = 0xffffffff;
const UINT64_MAX = 0xffffffffffffffffn;

function outOfRange(value: Value, name: OidArray): never {
  const shown = 'value' in value ? String(value.value) : '';
  throw new AgentxError('AGENTX_VALUE', `${valueTypeName(value.type)} value ${shown} for ${name.join('.')} is outside its SMI range: build values with the mib/smi.ts constructors, which clamp`);
}

function unsigned32(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= UINT32_MAX;
}

/** Whether writeVarBind accepts the value: its type is known and its number in its SMI range. */
export function isEncodable(value: Value): boolean {
  switch (value.type) {
    case ValueType.Integer:
      return Number.isInteger(value.value) && value.value >= -0x80000000 && value.value <= 0x7fffffff;
    case ValueType.Counter32:
    case ValueType.Gauge32:
    case ValueType.TimeTicks:
      return unsigned32(value.value);
    case ValueType.Counter64:
      return typeof value.value === 'bigint' && value.value >= 0n && value.value <= UINT64_MAX;
    case ValueType.IpAddress:
      return value.value instanceof Uint8Array && value.value.length === 4;
    case ValueType.OctetString:
      return typeof value.value === 'string' || value.value instanceof Uint8Array;
    case ValueType.Opaque:
      return value.value instanceof Uint8Array;
    case ValueType.ObjectIdentifier:
      return Array.isArray(value.value) && value.value.every(unsigned32);
    case ValueType.Null:
    case ValueType.noSuchObject:
    case ValueType.noSuchInstance:
    case ValueType.endOfMibView:
      return true;
    default:
      return false;
  }
}

export function writeVarBind(w: Writer, name: OidArray, value: Value): void {
  w.u16(value.type);
  w.u16(0);
  writeOid(w, name);
  switch (value.type) {
    case ValueType.Integer:
      if (!Number.isInteger(value.value) || value.value < -0x80000000 || value.value > 0x7fffffff) outOfRange(value, name);
      w.i32(value.value);
      return;
    case ValueType.Counter32:
    case ValueType.Gauge32:
    case ValueType.TimeTicks:
      if (!unsigned32(value.value)) outOfRange(value, name);
      w.u32(value.value);
      return;
    case ValueType.Counter64:
      if (typeof value.value !== 'bigint' || value.value < 0n || value.value > UINT64_MAX) outOfRange(value, name);
      w.u64(value.value);
      return;
    case ValueType.OctetString:
    case ValueType.Opaque:
      w.octetString(value.value);
      return;
    case ValueType.IpAddress:
      if (value.value.length !== 4) outOfRange(value, name);
      w.octetString(value.value);
      return;
    case ValueType.ObjectIdentifier:
      writeOid(w, value.value);
      return;
    case ValueType.Null:
    case ValueType.noSuchObject:
    case ValueType.noSuchInstance:
    case ValueType.endOfMibView:
      return;
    default:
      throw new AgentxError('AGENTX_VALUE', `unknown v.type ${(value as { type: number }).type} for ${name.join('.')}`);
  }
}

export function readVarBind(r: Reader): VarBind {
  const type = r.u16('v.type');
  r.skip(2, 'v.type reserved');
  const { oid: name } = readOid(r, 'v.name');
  return { name, value: readValue(r, type) };
}

function readValue(r: Reader, type: number): Value {
  switch (type) {
    case ValueType.Integer:
      return { type, value: r.i32('Integer') };
    case ValueType.Counter32:
    case ValueType.Gauge32:
    case ValueType.TimeTicks:
      return { type, value: r.u32(valueTypeName(type)) };
    case ValueType.Counter64:
      return { type, value: r.u64('Counter64') };
    case ValueType.OctetString:
    case ValueType.Opaque:
      return { type, value: r.octetString(valueTypeName(type)) };
    case ValueType.IpAddress: {
      const value = r.octetString('IpAddress');
      if (value.length !== 4) throw new AgentxError('AGENTX_PARSE', `IpAddress of ${value.length} octets; RFC 2741 section 5.4 says 4`);
      return { type, value };
    }
    case ValueType.ObjectIdentifier:
      return { type, value: readOid(r, 'Object Identifier value').oid };
    case ValueType.Null:
    case ValueType.noSuchObject:
    case ValueType.noSuchInstance:
    case ValueType.endOfMibView:
      return { type };
    default:
      throw new AgentxError('AGENTX_PARSE', `unknown v.type ${type} (RFC 2741 section 5.4)`);
  }
}
