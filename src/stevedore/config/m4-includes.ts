/**
 * The m4_includes a configuration writes literally (m4_include(`FILE') or m4_sinclude, outside
 * `#` comments), followed as m4 would follow them: the name as given (relative to the working
 * directory), else under the -I directory. m4 opens what it includes itself, so stevedore reads
 * the same files first, to say two things m4 cannot:
 * - an include of a FIFO or a device is refused by name before m4 opens it (m4 would wait for
 *   a writer until the time limit);
 * - an include loop is placed at the include that closes it. m4 follows a loop until it runs
 *   out of open files, and which include then fails depends on how many descriptors the
 *   process had: the same configuration would be blamed on another file on another machine.
 * An include built by other macros is not seen here and is left to m4.
 */
import { existsSync, realpathSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { assertRegularFile, describeFileError, NotRegularFileError, readRegularFile } from './source-file.js';

export interface LiteralInclude {
  /** The file holding the include, named as m4 names it. */
  file: string;
  line: number;
  /** The include's argument, as written. */
  included: string;
  /** The file m4 would open. */
  path: string;
  /** True when `path` is already being read: the include closes a loop. */
  loops: boolean;
}

const LITERAL_INCLUDE = /m4_s?include\(\s*(?:`([^`']*)'|([^\s(),`']+))\s*\)/g;

/** Files followed at most: a loop is found long before this, and a wide tree stops here. */
const MAX_FILES = 1000;

/** The text outside m4 `#` comments, line breaks kept so that offsets give lines. */
function withoutComments(text: string): string {
  let out = '';
  let quoted = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '`') quoted++;
    else if (c === "'" && quoted > 0) quoted--;
    else if (c === '#' && quoted === 0) {
      const end = text.indexOf('\n', i);
      if (end < 0) break;
      out += ' '.repeat(end - i);
      i = end - 1;
      continue;
    }
    out += c;
  }
  return out;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** The path m4 opens for `name`: as given (relative to the working directory), else under `dir`. */
function resolve(name: string, dir: string): string | null {
  if (existsSync(name)) return name;
  if (isAbsolute(name)) return null;
  const under = join(dir, name);
  return existsSync(under) ? under : null;
}

/** The file's real path, or its name when that cannot be had (gone since): names are compared instead. */
function realName(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * Visits each literal include in m4's reading order (depth first) until `pick` returns
 * something; a file is not followed into once its include closes a loop.
 */
export async function firstInclude<T>(top: string, includeDir: string, pick: (include: LiteralInclude) => Promise<T | null> | T | null): Promise<T | null> {
  let followed = 0;
  async function follow(file: string, chain: readonly string[]): Promise<T | null> {
    if (++followed > MAX_FILES) return null;
    let text: string;
    try {
      text = withoutComments(await readRegularFile(file));
    } catch {
      return null;
    }
    for (const match of text.matchAll(LITERAL_INCLUDE)) {
      const included = (match[1] ?? match[2]) as string;
      const path = resolve(included, includeDir);
      if (path === null) continue;
      const real = realName(path);
      const loops = chain.includes(real);
      const picked = await pick({ file, line: lineAt(text, match.index), included, path, loops });
      if (picked !== null) return picked;
      if (loops) continue;
      const inner = await follow(path, [...chain, real]);
      if (inner !== null) return inner;
    }
    return null;
  }
  return follow(top, [realName(top)]);
}

/** The include that closes a loop, or null. */
export const closesLoop = (include: LiteralInclude): LiteralInclude | null => (include.loops ? include : null);

/** An include of something other than a regular file, with why, or null. */
export async function notRegularFile(include: LiteralInclude): Promise<{ include: LiteralInclude; why: string } | null> {
  try {
    await assertRegularFile(include.path);
    return null;
  } catch (error) {
    return error instanceof NotRegularFileError ? { include, why: describeFileError(error) } : null;
  }
}
