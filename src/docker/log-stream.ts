/**
 * The Engine API's multiplexed output of a container without a TTY: frames of an 8-byte header
 * (stream type, three zero bytes, big-endian payload length) and the payload. Returns the
 * payloads of stdout and stderr joined in the order written.
 */
export function demultiplex(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= raw.length) {
    const length = raw.readUInt32BE(offset + 4);
    parts.push(raw.subarray(offset + 8, Math.min(raw.length, offset + 8 + length)));
    offset += 8 + length;
  }
  return Buffer.concat(parts);
}
