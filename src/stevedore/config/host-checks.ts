/**
 * What --lint checks beyond the file itself, on the host it runs on: that `user` and `group`
 * name accounts that exist, and that the state file's directory is there. A start would fail
 * on each later (after binding its sockets); --lint says so first.
 */
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Config } from './config.js';
import { ConfigError } from './errors.js';

const NUMERIC_ID = /^[0-9]+$/;
const LOOKUP_TIMEOUT_MS = 10_000;

/** Whether the command exits 0: `id -u NAME` for a user, `getent group NAME` for a group (both through NSS). */
function succeeds(command: string, args: readonly string[]): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: LOOKUP_TIMEOUT_MS }, (error) => resolve(error === null));
  });
}

/** A numeric id needs no account: setuid and setgid take it as it is. */
async function accountExists(what: 'user' | 'group', name: string): Promise<boolean> {
  if (NUMERIC_ID.test(name)) return true;
  return what === 'user' ? succeeds('id', ['-u', '--', name]) : succeeds('getent', ['group', '--', name]);
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** The problems of `config` on this host; `file` is the configuration file they are reported at. */
export async function hostProblems(config: Config, file: string): Promise<ConfigError[]> {
  const problems: ConfigError[] = [];
  for (const what of ['user', 'group'] as const) {
    const name = config[what];
    if (name !== null && !(await accountExists(what, name))) {
      problems.push(new ConfigError('CONFIG_NO_SUCH_ACCOUNT', `${what} '${name}' does not exist on this host (stevedore could not switch to it)`, { file }));
    }
  }
  if (config.stateFile !== null && !(await isDirectory(dirname(config.stateFile)))) {
    problems.push(new ConfigError('CONFIG_NO_DIRECTORY', `state-file ${config.stateFile}: the directory ${dirname(config.stateFile)} does not exist: create it`, { file }));
  }
  return problems;
}
