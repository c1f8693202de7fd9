import { AgentxError } from '../errors.js';
import { AGENTX_VERSION, Flag } from './constants.js';
import type { Writer } from './writer.js';

/** RFC 2741 section 6.1: every PDU starts with this 20-byte header. */
export const HEADER_LENGTH = 20;

export interface Header {
  readonly version: number;
  readonly type: number;
  readonly flags: number;
  readonly sessionId: number;
  readonly transactionId: number;
  readonly packetId: number;
  /** Bytes after the header; always a multiple of 4. */
  readonly payloadLength: number;
}

/** Whether the PDU's multi-byte fields are big-endian (NETWORK_BYTE_ORDER, section 6.1). */
export function isBigEndian(flags: number): boolean {
  return (flags & Flag.NETWORK_BYTE_ORDER) !== 0;
}

/** The payload length of the header at `offset`, read in the byte order its flags announce. */
export function payloadLengthAt(buffer: Buffer, offset: number): number {
  return isBigEndian(buffer[offset + 2] as number) ? buffer.readUInt32BE(offset + 16) : buffer.readUInt32LE(offset + 16);
}

export function decodeHeader(buffer: Buffer, offset = 0): Header {
  if (buffer.length - offset < HEADER_LENGTH) throw new AgentxError('AGENTX_PARSE', `a header needs ${HEADER_LENGTH} bytes, got ${buffer.length - offset}`);
  const flags = buffer[offset + 2] as number;
  const type = buffer[offset + 1] as number;
  const version = buffer[offset] as number;
  if (isBigEndian(flags)) {
    return {
      version,
      type,
      flags,
      sessionId: buffer.readUInt32BE(offset + 4),
      transactionId: buffer.readUInt32BE(offset + 8),
      packetId: buffer.readUInt32BE(offset + 12),
      payloadLength: buffer.readUInt32BE(offset + 16),
    };
  }
  return {
    version,
    type,
    flags,
    sessionId: buffer.readUInt32LE(offset + 4),
    transactionId: buffer.readUInt32LE(offset + 8),
    packetId: buffer.readUInt32LE(offset + 12),
    payloadLength: buffer.readUInt32LE(offset + 16),
  };
}

/** Writes a header with payload length 0; the encoder fills the length in at the end. */
export function writeHeader(w: Writer, type: number, flags: number, sessionId: number, transactionId: number, packetId: number): void {
  w.u8(AGENTX_VERSION);
  w.u8(type);
  w.u8(flags | Flag.NETWORK_BYTE_ORDER);
  w.u8(0);
  w.u32(sessionId);
  w.u32(transactionId);
  w.u32(packetId);
  w.u32(0);
}
