/**
 * Whether a statement has the shape its table entry says: enough arguments, not too many, and
 * no ';' forgotten before the next line's statement (which would otherwise read as arguments).
 */
import type { Argument, Statement } from './ast.js';
import { quoteStatement, type QuoteContext } from './quote.js';
import { SERVICE_STATEMENTS, SNMP_USER_STATEMENTS, STATEMENTS, type Problem, type StatementSpec } from './statements.js';

const EVERY_NAME = new Set([...STATEMENTS, ...SERVICE_STATEMENTS, ...SNMP_USER_STATEMENTS].map((s) => s.name));

export function usage(spec: StatementSpec<unknown>): string {
  return `${spec.name} ${spec.synopsis};`;
}

/**
 * An argument on a later line that cannot belong to the statement (one too many, or the name
 * of a statement) means the ';' before it was forgotten: say so where it belongs.
 */
export function missingSemicolon(statement: Statement, spec: StatementSpec<unknown>, context: QuoteContext): Problem | null {
  let previous: Argument = statement.keyword;
  for (let i = 0; i < statement.args.length; i++) {
    const arg = statement.args[i] as Argument;
    const newLine = arg.loc.line !== previous.loc.line || arg.loc.file !== previous.loc.file;
    if (newLine && (i >= spec.arity.max || (arg.type === 'word' && EVERY_NAME.has(arg.value)))) {
      const message = `expected ';' after ${quoteStatement([statement.keyword, ...statement.args.slice(0, i)], context)}`;
      return { code: 'CONFIG_EXPECTED_SEMICOLON', message, at: previous.end };
    }
    previous = arg;
  }
  return null;
}

export function argumentCount(statement: Statement, spec: StatementSpec<unknown>): Problem | null {
  const { min, max } = spec.arity;
  const n = statement.args.length;
  if (n < min) return { code: 'CONFIG_ARGUMENT_COUNT', message: `'${spec.name}' needs ${spec.synopsis}: ${usage(spec)}`, at: statement.keyword.end };
  if (n > max) {
    const extra = statement.args[max] as Argument;
    const takes = max === 1 ? 'one argument' : `${max} arguments`;
    return { code: 'CONFIG_ARGUMENT_COUNT', message: `'${spec.name}' takes ${takes}: ${usage(spec)}`, at: extra.loc };
  }
  return null;
}
