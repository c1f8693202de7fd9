/**
 * The syntax tree of a configuration file, as the grammar builds it: statements with their
 * arguments and blocks, every node located in the file the operator wrote (after m4, through
 * its synclines). Meaning is given later, by interpret.ts.
 */
import type { SourceLocation } from './config.js';

export type { SourceLocation };

/** A bare word, a number (digits only) or a double-quoted string. */
export interface Argument {
  type: 'word' | 'number' | 'string';
  /** What it says: a string without its quotes and with its escapes decoded. */
  value: string;
  /** As written. */
  text: string;
  loc: SourceLocation;
  /** Just after its last character: where a missing ';' belongs. */
  end: SourceLocation;
}

export interface Block {
  statements: Statement[];
  /** The '{' and the '}'. */
  open: SourceLocation;
  close: SourceLocation;
}

/** `keyword arguments... ;` or `keyword arguments... { statements }` (`;` optional after '}'). */
export interface Statement {
  /** The statement's name: always a bare word. */
  keyword: Argument;
  args: Argument[];
  block: Block | null;
  loc: SourceLocation;
}

export interface ConfigFile {
  /** The file as named to stevedore (the main file) or by `include`. */
  file: string;
  statements: Statement[];
}
