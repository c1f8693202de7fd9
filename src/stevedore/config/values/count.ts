/** N: a whole number from 1 to 2^31-1, the largest an SNMP Integer32 holds. */
import { invalid, valid, type Value } from './value.js';

const MAX = 2_147_483_647;

export function parseCount(text: string): Value<number> {
  const n = /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= MAX)) return invalid('CONFIG_BAD_NUMBER', `bad number '${text}' (a whole number from 1 to ${MAX})`);
  return valid(n);
}
