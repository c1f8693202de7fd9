/**
 * The grammar's postprocessors: each builds one AST node from the symbols its rule matched.
 * nearley runs a postprocessor every time its rule completes, and `file` completes after every
 * statement (the file might end there), so each must cost O(1): lists are built as linked
 * cells, turned into arrays by a block's '}' and, for the file, once by parse.ts. (nearley's
 * own `:*` copies the whole list at every item: quadratic on a long file.)
 */
import type { Argument, Block, Statement } from './ast.js';
import type { Token } from './tokenize.js';

/** A list built backwards: the last item first. */
export type Cell<T> = { item: T; rest: Cell<T> } | null;

export function toArray<T>(cell: Cell<T>): T[] {
  const items: T[] = [];
  for (let c = cell; c !== null; c = c.rest) items.push(c.item);
  return items.reverse();
}

function argumentOf(token: Token): Argument {
  return { type: token.type as Argument['type'], value: token.value, text: token.text, loc: token.loc, end: token.end };
}

export const empty = (): Cell<never> => null;

export const append = (d: unknown[]): Cell<unknown> => ({ item: d[1], rest: d[0] as Cell<unknown> });

/** The file's statements, still as cells. */
export const file = (d: unknown[]): Cell<Statement> => d[0] as Cell<Statement>;

export const argument = (d: unknown[]): Argument => argumentOf(d[0] as Token);

/** `keyword arguments ;` */
export const simpleStatement = (d: unknown[]): Statement => {
  const keyword = argumentOf(d[0] as Token);
  return { keyword, args: toArray(d[1] as Cell<Argument>), block: null, loc: keyword.loc };
};

/** `keyword arguments { ... }`, with or without a `;` after the `}`. */
export const blockStatement = (d: unknown[]): Statement => {
  const keyword = argumentOf(d[0] as Token);
  return { keyword, args: toArray(d[1] as Cell<Argument>), block: d[2] as Block, loc: keyword.loc };
};

export const block = (d: unknown[]): Block => ({
  statements: toArray(d[1] as Cell<Statement>),
  open: (d[0] as Token).loc,
  close: (d[2] as Token).loc,
});
