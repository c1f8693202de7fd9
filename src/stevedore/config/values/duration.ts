/** DURATION: 30 (seconds), 30s, 5m, 2h, 1d, as milliseconds. */
import { invalid, valid, type Value } from './value.js';

const DURATION = /^([0-9]+)([smhd]?)$/;
const UNIT_MS: Readonly<Record<string, number>> = { '': 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Node's timers wait at most 2^31-1 ms (about 24.8 days) and fire at once beyond it. */
const MAX_MS = 24 * 86_400_000;

export function parseDuration(text: string): Value<number> {
  const match = DURATION.exec(text);
  if (!match) return invalid('CONFIG_BAD_DURATION', `bad duration '${text}' (use 30s, 5m, 2h)`);
  const ms = Number(match[1]) * (UNIT_MS[match[2] as string] as number);
  if (ms === 0) return invalid('CONFIG_BAD_DURATION', `bad duration '${text}': it must be at least 1s`);
  if (ms > MAX_MS) return invalid('CONFIG_BAD_DURATION', `bad duration '${text}': at most 24d`);
  return valid(ms);
}
