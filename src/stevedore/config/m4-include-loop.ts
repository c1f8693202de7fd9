/**
 * Where an m4_include loop closes. m4 itself follows the loop until it runs out of open files,
 * and which include then fails depends on how many descriptors the process had: the same
 * configuration would be blamed on a different file on another machine. So when m4 reports it,
 * the includes are followed here, as m4 would (the name as given, else under the -I
 * directory), and the first include of a file already being read is named.
 *
 * Only includes written literally are followed (m4_include(`FILE') or m4_sinclude, outside
 * `#` comments); a loop built by other macros is left to m4's own location.
 */
import { existsSync, realpathSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { readRegularFile } from './source-file.js';

export interface IncludeLoop {
  /** The file holding the include that closes the loop, named as m4 names it. */
  file: string;
  line: number;
  /** The include's argument, as written. */
  included: string;
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

/** The first include, in m4's reading order, that names a file already being read; null if none is written literally. */
export async function findIncludeLoop(top: string, includeDir: string): Promise<IncludeLoop | null> {
  let followed = 0;
  async function follow(file: string, chain: readonly string[]): Promise<IncludeLoop | null> {
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
      const real = realpathSync(path);
      if (chain.includes(real)) return { file, line: lineAt(text, match.index), included };
      const loop = await follow(path, [...chain, real]);
      if (loop) return loop;
    }
    return null;
  }
  let real = top;
  try {
    real = realpathSync(top);
  } catch {
    // Gone since m4 read it: names are compared instead.
  }
  return follow(top, [real]);
}
