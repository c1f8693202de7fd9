/** etcd's settings: the key prefix and the lease TTL. */
import { parseDuration } from './duration.js';
import { invalid, valid, type Value } from './value.js';

const PREFIX = /^\/[\x21-\x7e]*$/;

/** PATH: an absolute key path of printable ASCII, as /SERVICE or /discovery/prod. */
export function parseEtcdPrefix(text: string): Value<string> {
  if (!PREFIX.test(text)) return invalid('CONFIG_BAD_NAME', `bad etcd-prefix '${text}': a path starting with '/' of printable ASCII without spaces, as /SERVICE`);
  return valid(text);
}

/** The lease is renewed every third of its TTL: at least 3s, so that a renewal is at most once a second. */
const MIN_TTL_SECONDS = 3;

/** The lease TTL, in whole seconds. */
export function parseLeaseTtl(text: string): Value<number> {
  const ms = parseDuration(text);
  if (!ms.ok) return ms;
  if (ms.value < MIN_TTL_SECONDS * 1000) return invalid('CONFIG_BAD_DURATION', `bad etcd-ttl '${text}': at least ${MIN_TTL_SECONDS}s (the lease is renewed every third of it)`);
  return valid(ms.value / 1000);
}
