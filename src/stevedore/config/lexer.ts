/**
 * The moo lexer of stevedore.conf. Whitespace only separates tokens; comments run from `#` or
 * `//` to the end of the line, or across lines between slash-star and star-slash (not nested).
 * A comment starts only where a token could start, so `unix:/run//x` and `a#b` are single words.
 *
 * Rules match in the order written: comments before words, a complete string before the
 * malformed ones (an unterminated comment or string, a bad escape), which tokenize.ts turns into
 * errors at their start.
 */
import moo from 'moo';

const DIGITS = /^[0-9]+$/;

export const lexer = moo.compile({
  space: { match: /[ \t\r\n\f\v]+/, lineBreaks: true },
  lineComment: /(?:#|\/\/)[^\n]*/,
  blockComment: { match: /\/\*[^]*?\*\//, lineBreaks: true },
  openComment: { match: /\/\*[^]*/, lineBreaks: true },
  string: /"(?:\\["\\nt]|[^"\\\n])*"/,
  badString: /"(?:\\[^\n]|[^"\\\n])*"?/,
  lbrace: '{',
  rbrace: '}',
  semicolon: ';',
  word: {
    match: /[^\s{};"'\x00-\x1f\x7f]+/,
    type: (text) => (DIGITS.test(text) ? 'number' : 'word'),
  },
  invalid: moo.error,
});

/** The token types the grammar sees; everything else is skipped or an error. */
export type TokenType = 'word' | 'number' | 'string' | 'lbrace' | 'rbrace' | 'semicolon';
