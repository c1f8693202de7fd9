/**
 * A preprocessor's diagnostics as stevedore relays them, without the configuration's text they
 * repeat: that text may hold a secret (a token, a password), and no parse says where one is in
 * a file that failed to preprocess. The diagnostic itself, with its FILE:LINE, stays.
 */

/**
 * cpp's (gcc's) source excerpt, `    2 | http-token "...` and its caret line `      |   ^~~`,
 * or a caret line alone (`   ^`), as other compilers print under the excerpt.
 */
const EXCERPT = /^\s*\d*\s*\|/;
const CARET = /^[\s^~|]*\^[\s^~|]*$/;

/** Whether a line of a command's stderr repeats the source rather than saying what is wrong. */
function isSourceExcerpt(line: string): boolean {
  return EXCERPT.test(line) || CARET.test(line);
}

/**
 * GNU m4 messages that end with the text they were given: eval's expression ("bad expression
 * in eval: EXPR", "divide by zero in eval: EXPR"...), a regular expression ("bad regular
 * expression `RE': why") and m4_format's argument. That text is dropped; the builtin and the
 * reason stay. Messages that name a macro (`undefined macro `NAME'') keep the name: a name,
 * not a value.
 */
const M4_ECHOES: readonly [RegExp, string][] = [
  [/^([a-z ]+ in eval(?: \([a-z ]+\))?): .*$/, '$1 (the expression is not repeated)'],
  [/^(bad regular expression):? `.*': (.*)$/, '$1 (not repeated): $2'],
  [/^(error matching regular expression) `.*'$/, '$1 (not repeated)'],
  // m4_format's; "non-numeric argument to builtin `m4_incr'" names only the builtin.
  [/^(non-numeric argument) (?!to builtin `).*$/, '$1 (not repeated)'],
];

/** An m4 message without the macro arguments it would repeat. */
export function withoutM4Echo(message: string): string {
  for (const [pattern, replacement] of M4_ECHOES) {
    if (pattern.test(message)) return message.replace(pattern, replacement);
  }
  return message;
}

/**
 * m4's `m4:FILE:LINE: message`. FILE is taken up to the first `:LINE: `: the message, which
 * may end with an expression holding `:2: `, must not be read as part of the place.
 */
export const M4_LOCATED = /^m4:(.*?):(\d+): (.*)$/;

/**
 * A line of a command's stderr as relayed, or null for a source excerpt. m4's lines (as with
 * --preprocessor='m4 ...') lose their echo as m4's own do.
 */
export function relayedLine(line: string): string | null {
  if (isSourceExcerpt(line)) return null;
  const located = M4_LOCATED.exec(line);
  return located ? `m4:${located[1]}:${located[2]}: ${withoutM4Echo(located[3] as string)}` : line;
}
