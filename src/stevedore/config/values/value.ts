/** What checking one argument gives: its typed value, or what is wrong with it. */
import type { ConfigErrorCode } from '../errors.js';

export type Value<T> = { ok: true; value: T } | { ok: false; code: ConfigErrorCode; message: string };

export function valid<T>(value: T): Value<T> {
  return { ok: true, value };
}

export function invalid(code: ConfigErrorCode, message: string): Value<never> {
  return { ok: false, code, message };
}
