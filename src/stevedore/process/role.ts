import type { StevedoreOptions } from '../options.js';

/**
 * Which of stevedore's processes this one is, decided once from its options and the
 * environment its parent left:
 * - launcher: started without -F; starts stevedore again in the background and waits until
 *   that process serves (src/stevedore/process/detach.ts);
 * - supervisor: keeps a worker process serving (without -s);
 * - worker: serves, started by a supervisor;
 * - single: serves, alone (-s).
 * `detached`: in the background, without a terminal: nothing is logged to stdout.
 */
export type ProcessRole = { readonly kind: 'launcher' } | { readonly kind: 'supervisor' | 'worker' | 'single'; readonly detached: boolean };

const DETACHED = 'STEVEDORE_DETACHED';
const ROLE = 'STEVEDORE_ROLE';

export function processRole(options: Pick<StevedoreOptions, 'foreground' | 'single'>, env: NodeJS.ProcessEnv = process.env): ProcessRole {
  const detached = env[DETACHED] === '1';
  if (env[ROLE] === 'worker') return { kind: 'worker', detached };
  if (!options.foreground && !detached) return { kind: 'launcher' };
  return { kind: options.single ? 'single' : 'supervisor', detached };
}

/** The environment of the process a launcher starts in the background. */
export function detachedEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, [DETACHED]: '1' };
}

/** The environment of the worker a supervisor starts. */
export function workerEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, [ROLE]: 'worker' };
}
