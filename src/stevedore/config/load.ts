/**
 * Reading the configuration: file -> preprocess -> parse -> includes -> interpret, to the
 * typed Config or every error found. stevedore does not start on any error.
 */
import type { Preprocessor } from '../options.js';
import type { Config } from './config.js';
import type { ConfigError } from './errors.js';
import { expandIncludes, type ReadConfigFile } from './include.js';
import { interpret } from './interpret.js';
import { parse } from './parse.js';
import { readSource, type ReadOptions } from './preprocess.js';

export interface LoadOptions extends ReadOptions {
  preprocessor: Preprocessor;
}

export type LoadResult = { ok: true; config: Config } | { ok: false; errors: ConfigError[] };

/** In reading order: by file (the main one first, then as read), line and column. */
function inReadingOrder(errors: readonly ConfigError[], files: readonly string[]): ConfigError[] {
  const rank = (e: ConfigError): number => {
    const index = files.indexOf(e.place.file);
    return index < 0 ? files.length : index;
  };
  return [...errors].sort(
    (a, b) => rank(a) - rank(b) || (a.place.line ?? Infinity) - (b.place.line ?? Infinity) || (a.place.col ?? 0) - (b.place.col ?? 0),
  );
}

/**
 * Loads `file` and what it includes. Bounded: each file is read through a preprocessor with
 * time, output and memory limits. Interruptible: when options.signal aborts, the preprocessor
 * running is killed with its process group and the load rejects with the signal's reason.
 */
export async function loadConfig(file: string, options: LoadOptions): Promise<LoadResult> {
  const read: ReadConfigFile = async (name) => {
    const source = await readSource(name, options.preprocessor, options);
    if (!source.ok) return source;
    const parsed = parse(source.text, name, source.map);
    if (!parsed.ok) return { ok: false, errors: [parsed.error] };
    return { ok: true, ast: parsed.ast, files: source.map.files };
  };
  const root = await read(file);
  if (!root.ok) return root;
  const expanded = await expandIncludes(root.ast, read);
  options.signal?.throwIfAborted();
  const files = [...new Set([...root.files, ...expanded.files])];
  const result = interpret(expanded.statements, file, files);
  if (expanded.errors.length === 0) return result;
  // The rest is still checked, so that one run reports everything; only "no service" is left
  // out, since the services may be in the file that could not be included.
  const rest = result.ok ? [] : result.errors.filter((e) => e.code !== 'CONFIG_NO_SERVICE');
  return { ok: false, errors: inReadingOrder([...expanded.errors, ...rest], files) };
}
