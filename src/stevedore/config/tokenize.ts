/**
 * Text to tokens, with whitespace and comments dropped, strings decoded and every token located
 * in its source file. A malformed token (an unterminated comment or string, an unknown escape,
 * a character no token may hold) is an error at its start.
 */
import type { SourceLocation } from './config.js';
import { ConfigError } from './errors.js';
import { lexer, type TokenType } from './lexer.js';
import type { LineMap } from './synclines.js';

export interface Token {
  type: TokenType;
  /** A string's content, escapes decoded; otherwise the text. */
  value: string;
  text: string;
  loc: SourceLocation;
  end: SourceLocation;
}

export type Tokens = { ok: true; tokens: Token[]; eof: SourceLocation } | { ok: false; error: ConfigError };

const ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', n: '\n', t: '\t' };
const SKIPPED = new Set(['space', 'lineComment', 'blockComment']);
const BOM = '\uFEFF';

function decode(quoted: string): string {
  return quoted.slice(1, -1).replace(/\\(.)/g, (_, c: string) => ESCAPES[c] as string);
}

/** The error for a string the `string` rule did not take: unterminated, or with a bad escape. */
function badString(text: string, at: (offset: number) => SourceLocation): ConfigError {
  const closed = text.length > 1 && text.endsWith('"');
  if (closed) {
    for (let i = 1; i < text.length - 1; i++) {
      if (text[i] !== '\\') continue;
      const escape = text[i + 1] as string;
      if (!(escape in ESCAPES)) {
        return new ConfigError('CONFIG_BAD_ESCAPE', `unknown escape '\\${escape}' in a string (use \\" \\\\ \\n or \\t)`, at(i));
      }
      i++;
    }
  }
  return new ConfigError('CONFIG_UNTERMINATED_STRING', `unterminated string: close it with '"' on the same line (write a line break as \\n)`, at(0));
}

function unexpectedCharacter(c: string, loc: SourceLocation): ConfigError {
  if (c === "'") return new ConfigError('CONFIG_UNEXPECTED_CHARACTER', `unexpected "'": quote arguments with double quotes`, loc);
  const code = (c.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0');
  return new ConfigError('CONFIG_UNEXPECTED_CHARACTER', `unexpected character U+${code}: remove it, or put it inside double quotes`, loc);
}

export function tokenize(source: string, map: LineMap): Tokens {
  const text = source.startsWith(BOM) ? source.slice(1) : source;
  const tokens: Token[] = [];
  lexer.reset(text);
  for (let t = lexer.next(); t !== undefined; t = lexer.next()) {
    if (SKIPPED.has(t.type as string)) continue;
    const loc = map.locate(t.line, t.col);
    switch (t.type) {
      case 'openComment':
        return { ok: false, error: new ConfigError('CONFIG_UNTERMINATED_COMMENT', `unterminated comment: '/*' has no '*/' after it`, loc) };
      case 'badString':
        return { ok: false, error: badString(t.text, (offset) => ({ ...loc, col: loc.col + offset })) };
      case 'invalid':
        return { ok: false, error: unexpectedCharacter(String.fromCodePoint(t.text.codePointAt(0) as number), loc) };
    }
    tokens.push({
      type: t.type as TokenType,
      value: t.type === 'string' ? decode(t.text) : t.text,
      text: t.text,
      loc,
      end: { ...loc, col: loc.col + t.text.length },
    });
  }
  const { line, col } = lexer.save() as { line: number; col: number };
  return { ok: true, tokens, eof: map.locate(line, col) };
}
