/**
 * `include FILE;`: the statements of FILE take the include's place, at the top level or in a
 * block. FILE is relative to the file that names it (after m4, the file a syncline says), and
 * is read like the main file (through the same preprocessor). FILE must be a regular file (a
 * FIFO or a device is refused by name, never opened). A file that includes itself, directly or
 * through others, is an error; one included twice side by side is not.
 */
import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import type { ConfigFile, Statement } from './ast.js';
import { ConfigError } from './errors.js';
import { assertRegularFile, describeFileError, NotRegularFileError } from './source-file.js';
import { argumentCount, missingSemicolon } from './statement-shape.js';
import { STATEMENTS } from './statements.js';

export type ReadConfigFile = (file: string) => Promise<{ ok: true; ast: ConfigFile; files: readonly string[] } | { ok: false; errors: ConfigError[] }>;

export interface Expanded {
  statements: Statement[];
  /** The files read for includes, in order, with those their preprocessor read. */
  files: string[];
  errors: ConfigError[];
}

const INCLUDE = STATEMENTS.find((s) => s.name === 'include') as (typeof STATEMENTS)[number];

interface Opened {
  name: string;
  real: string;
}

export async function expandIncludes(root: ConfigFile, read: ReadConfigFile): Promise<Expanded> {
  const files: string[] = [];
  const errors: ConfigError[] = [];
  const fail = (code: ConfigError['code'], message: string, at: Statement['loc']): void => void errors.push(new ConfigError(code, message, at));

  async function expand(statements: readonly Statement[], chain: readonly Opened[]): Promise<Statement[]> {
    const out: Statement[] = [];
    for (const statement of statements) {
      if (statement.keyword.value !== 'include') {
        const block = statement.block && { ...statement.block, statements: await expand(statement.block.statements, chain) };
        out.push({ ...statement, block });
        continue;
      }
      const shape = missingSemicolon(statement, INCLUDE, {}) ?? argumentCount(statement, INCLUDE);
      if (shape) {
        fail(shape.code, shape.message, shape.at);
        continue;
      }
      if (statement.block) {
        fail('CONFIG_UNEXPECTED_BLOCK', `'include' takes no block: include FILE;`, statement.block.open);
        continue;
      }
      const arg = statement.args[0] as Statement['args'][number];
      const name = isAbsolute(arg.value) ? arg.value : join(dirname(arg.loc.file), arg.value);
      let real: string;
      try {
        real = await realpath(name);
        await assertRegularFile(real);
      } catch (error) {
        const code = error instanceof NotRegularFileError ? error.code : 'CONFIG_READ_FAILED';
        fail(code, `cannot include '${arg.value}' (${name}): ${describeFileError(error)}`, arg.loc);
        continue;
      }
      const loop = chain.findIndex((opened) => opened.real === real);
      if (loop >= 0) {
        const path = [...chain.slice(loop).map((o) => o.name), name].join(' -> ');
        fail('CONFIG_INCLUDE_LOOP', `include loop: ${path}`, arg.loc);
        continue;
      }
      const included = await read(name);
      if (!included.ok) {
        errors.push(...included.errors);
        continue;
      }
      files.push(...included.files);
      out.push(...(await expand(included.ast.statements, [...chain, { name, real }])));
    }
    return out;
  }

  let rootReal = root.file;
  try {
    rootReal = await realpath(root.file);
  } catch {
    // It was just read; if it has gone since, the loop check compares names instead.
  }
  const statements = await expand(root.statements, [{ name: root.file, real: rootReal }]);
  return { statements, files, errors };
}
