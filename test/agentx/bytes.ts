/**
 * Bytes written out by hand in tests: hex pairs, spaces and line breaks ignored, so a PDU reads
 * field by field as RFC 2741 draws it. Independent of the codec under test.
 */
export function hex(...parts: string[]): Buffer {
  const text = parts.join('').replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(text)) throw new Error(`not hex pairs: ${text}`);
  return Buffer.from(text, 'hex');
}
