/**
 * Configuration text to its syntax tree. The first error stops the parse (nothing after a
 * syntax error can be trusted) and is reported at the offending token, in the operator's
 * words: "expected ';' after 'service DB'", never a parser's state dump.
 */
import nearley from 'nearley';
import type { ConfigFile, Statement } from './ast.js';
import type { SourceLocation } from './config.js';
import { ConfigError } from './errors.js';
import grammar from './grammar.js';
import { toArray, type Cell } from './postprocessors.js';
import { blockContext, quoteStatement, type QuoteContext } from './quote.js';
import type { LineMap } from './synclines.js';
import { tokenize, type Token } from './tokenize.js';

export type Parsed = { ok: true; ast: ConfigFile } | { ok: false; error: ConfigError };

const compiled = nearley.Grammar.fromCompiled(grammar);

/** Hands nearley the tokens already made, so lexical errors stay ours. */
class TokenStream implements nearley.Lexer {
  private index = 0;
  constructor(private readonly tokens: readonly Token[]) {}
  reset(): void {}
  next(): Token | undefined {
    return this.tokens[this.index++];
  }
  save(): nearley.LexerState {
    return {};
  }
  formatError(): string {
    return '';
  }
  has(): boolean {
    return true;
  }
}

/**
 * What stands where a statement name belongs, a quoted string or a number (a word would be a
 * name), is not repeated: it may be a password or a community misplaced.
 */
function display(token: Token): string {
  return token.type === 'string' ? 'a quoted string (a statement begins with its name, unquoted)' : 'a number (a statement begins with its name)';
}

/**
 * Why the parse failed at `tokens[at]` (or at the end, `at === tokens.length`): what is open
 * there (a statement begun, blocks) says what was expected.
 */
function syntaxError(tokens: readonly Token[], at: number, eof: SourceLocation): ConfigError {
  const blocks: { opener: Token[]; brace: Token }[] = [];
  let statement: Token[] = [];
  for (let i = 0; i < at; i++) {
    const t = tokens[i] as Token;
    if (t.type === 'lbrace') {
      blocks.push({ opener: statement, brace: t });
      statement = [];
    } else if (t.type === 'rbrace') {
      blocks.pop();
      statement = [];
    } else if (t.type === 'semicolon') {
      statement = [];
    } else {
      statement.push(t);
    }
  }
  const found = tokens[at];
  // The words of a statement are quoted in the context of the blocks around them, outermost first.
  const inside = (depth: number): QuoteContext => blocks.slice(0, depth).reduce<QuoteContext>((outer, block) => blockContext(block.opener, outer), {});
  if (statement.length > 0) {
    const last = statement[statement.length - 1] as Token;
    return new ConfigError('CONFIG_EXPECTED_SEMICOLON', `expected ';' after ${quoteStatement(statement, inside(blocks.length))}`, last.end);
  }
  if (found === undefined) {
    const open = blocks[blocks.length - 1] as { opener: Token[]; brace: Token };
    const { file, line } = open.brace.loc;
    const opener = quoteStatement(open.opener, inside(blocks.length - 1));
    return new ConfigError('CONFIG_UNCLOSED_BLOCK', `expected '}' to close the block of ${opener} opened at ${file}:${line}`, eof);
  }
  switch (found.type) {
    case 'semicolon':
      return new ConfigError('CONFIG_UNEXPECTED_TOKEN', `unexpected ';' with no statement before it: remove it`, found.loc);
    case 'lbrace':
      return new ConfigError('CONFIG_UNEXPECTED_TOKEN', `unexpected '{': a block follows a statement name, as in 'service NAME { ... }'`, found.loc);
    case 'rbrace':
      return new ConfigError('CONFIG_UNEXPECTED_TOKEN', `unexpected '}' with no block open: remove it`, found.loc);
    default:
      return new ConfigError('CONFIG_EXPECTED_STATEMENT', `expected a statement name, found ${display(found)}`, found.loc);
  }
}

export function parse(text: string, file: string, map: LineMap): Parsed {
  const lexed = tokenize(text, map);
  if (!lexed.ok) return lexed;
  const { tokens, eof } = lexed;
  const parser = new nearley.Parser(compiled, { lexer: new TokenStream(tokens) });
  try {
    parser.feed('');
  } catch (error) {
    const token = (error as { token?: Token }).token;
    if (token === undefined) throw error;
    return { ok: false, error: syntaxError(tokens, tokens.indexOf(token), eof) };
  }
  if (parser.results.length === 0) return { ok: false, error: syntaxError(tokens, tokens.length, eof) };
  if (parser.results.length > 1) {
    throw new Error(`the configuration grammar is ambiguous: ${parser.results.length} parses of ${file} (a bug in grammar.ne)`);
  }
  return { ok: true, ast: { file, statements: toArray(parser.results[0] as Cell<Statement>) } };
}
