/** Booleans: yes|no|true|false|on|off. */
import { invalid, valid, type Value } from './value.js';

const BOOLEANS: ReadonlyMap<string, boolean> = new Map([
  ['yes', true],
  ['true', true],
  ['on', true],
  ['no', false],
  ['false', false],
  ['off', false],
]);

export function parseBoolean(text: string): Value<boolean> {
  const value = BOOLEANS.get(text);
  if (value === undefined) return invalid('CONFIG_BAD_BOOLEAN', `bad boolean '${text}' (use yes or no; true, false, on and off also work)`);
  return valid(value);
}
