/** SIZE: 512 (bytes), 4k, 1M (binary multiples), as bytes. */
import { invalid, valid, type Value } from './value.js';

const SIZE = /^([0-9]+)([kKmM]?)$/;
const UNIT: Readonly<Record<string, number>> = { '': 1, k: 1024, K: 1024, m: 1024 * 1024, M: 1024 * 1024 };
const MAX = 1024 * 1024 * 1024;

export function parseSize(text: string): Value<number> {
  const match = SIZE.exec(text);
  if (!match) return invalid('CONFIG_BAD_SIZE', `bad size '${text}' (use 512, 4k, 1M)`);
  const bytes = Number(match[1]) * (UNIT[match[2] as string] as number);
  if (bytes > MAX) return invalid('CONFIG_BAD_SIZE', `bad size '${text}': at most 1024M`);
  return valid(bytes);
}
