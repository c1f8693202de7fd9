/**
 * How a statement's words read in a message ("expected ';' after 'service DB'"), without any
 * word that could be a secret. A run of words may be one statement or, with a ';' forgotten,
 * several, and its keyword may be misspelt: so a word is shown only when it cannot be a secret
 * value. The keyword and the place already say where the mistake is.
 *
 * Read left to right, a word is where a statement name belongs (the first one, one on a later
 * line, one past the arguments its statement takes) or an argument:
 * - a statement name: shown. A secret statement's (token, auth...) arguments are masked, with
 *   everything after them; a known statement's arguments are read on.
 * - an unknown word where a name belongs (a typo, 'tokn'): shown, and everything after it is
 *   masked, as its arguments could be a secret. Inside a block of secret statements (snmp-user)
 *   the word itself is masked: it may be a password written where the name belongs; and what
 *   follows any name there is masked.
 * - a quoted string where a name belongs: masked (a password misplaced), and what follows.
 * - an argument of a known, non-secret statement: shown, unless it is a statement name or
 *   close to one (a ';' forgotten on the same line): then it is read as a name.
 * - any word holding '@', name or argument: masked, with everything after it (mayShow).
 * Inside a block that a secret statement, an unknown name or any statement of a block of secret
 * statements opens (`token { ... }`, `auth sha { ... }`), nothing is shown: a secret written in
 * braces stands where a name belongs.
 */
import { SERVICE_STATEMENTS, SNMP_USER_STATEMENTS, STATEMENTS, type StatementSpec } from './statements.js';
import { closest } from './suggest.js';

const QUOTE_LIMIT = 40;
const MASK = '...';

const SPECS = new Map<string, StatementSpec<never>>();
for (const spec of [...STATEMENTS, ...SERVICE_STATEMENTS, ...SNMP_USER_STATEMENTS] as StatementSpec<never>[]) {
  if (!SPECS.has(spec.name)) SPECS.set(spec.name, spec);
}

/** Statements whose blocks hold secret statements (snmp-user), with the names their blocks take. */
const SECRET_BLOCKS = new Map(
  [...SPECS.values()].filter((s) => s.block?.statements.some((inner) => inner.secret === true)).map((s) => [s.name, s.block?.statements.map((inner) => inner.name) ?? []]),
);

/** Whether a word may be shown at all: not when it holds '@', as credentials do (USER:PASSWORD@HOST). */
export function mayShow(text: string): boolean {
  return !text.includes('@');
}

/** A word as the tokenizer gives it: its type, its text as written, where it starts. */
export interface QuotedWord {
  type: string;
  text: string;
  loc: { file: string; line: number };
}

export interface QuoteContext {
  /** The words are inside a block of secret statements (snmp-user), which takes these: an unknown name is masked too. */
  secretBlock?: readonly string[];
  /** The words are inside a block no word of which is shown; this quotes its opener ("'token ...'"). */
  hiddenIn?: string;
}

/** The context inside the block that `opener` (the words before its '{') opens, within `outer`. */
export function blockContext(opener: readonly QuotedWord[], outer: QuoteContext = {}): QuoteContext {
  if (outer.hiddenIn !== undefined) return outer;
  const keyword = opener[0];
  const spec = keyword?.type === 'word' ? SPECS.get(keyword.text) : undefined;
  const names = spec ? SECRET_BLOCKS.get(spec.name) : undefined;
  if (names && outer.secretBlock === undefined) return { secretBlock: names };
  if (spec === undefined || spec.secret === true || outer.secretBlock !== undefined) return { hiddenIn: quoteStatement(opener, outer) };
  return {};
}

/** The words that may be shown, then MASK if any were left out. */
function shownWords(words: readonly QuotedWord[], context: QuoteContext): string[] {
  const shown: string[] = [];
  let spec: StatementSpec<never> | undefined;
  let argsLeft = 0;
  let line: QuotedWord['loc'] | null = null;
  for (const [i, word] of words.entries()) {
    if (!mayShow(word.text)) return [...shown, MASK];
    const sameLine = line !== null && word.loc.line === line.line && word.loc.file === line.file;
    const isName = word.type === 'word' && (SPECS.has(word.text) || closest(word.text, SPECS.keys()) !== null);
    if (spec !== undefined && sameLine && argsLeft > 0 && !isName) {
      shown.push(word.text);
      argsLeft--;
      continue;
    }
    // Where a statement name belongs.
    spec = word.type === 'word' ? SPECS.get(word.text) : undefined;
    const unknownShown = spec === undefined && word.type === 'word' && context.secretBlock === undefined;
    if (spec !== undefined || unknownShown) shown.push(word.text);
    else return [...shown, MASK];
    // Inside a secret block even a statement that does not belong there keeps its arguments to itself.
    if (spec === undefined || spec.secret === true || context.secretBlock !== undefined) return i === words.length - 1 ? shown : [...shown, MASK];
    argsLeft = spec.arity.max;
    line = word.loc;
  }
  return shown;
}

/**
 * The words quoted, shortened if long: 'service DB', 'token ...'; or, when no word may be shown,
 * what the statement is not: "a statement the block does not take (only auth, priv)", or where
 * it is: "a statement in the block of 'token ...'".
 */
export function quoteStatement(words: readonly QuotedWord[], context: QuoteContext = {}): string {
  if (context.hiddenIn !== undefined) return `a statement in the block of ${context.hiddenIn} (not repeated: it may hold a secret)`;
  const shown = shownWords(words, context);
  if (shown.length === 0 || shown[0] === MASK) {
    return context.secretBlock ? `a statement the block does not take (only ${context.secretBlock.join(', ')})` : 'a statement';
  }
  const text = shown.join(' ');
  return `'${text.length > QUOTE_LIMIT ? `${text.slice(0, QUOTE_LIMIT - 3)}${MASK}` : text}'`;
}
