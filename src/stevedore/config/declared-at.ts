import type { Config } from './config.js';

/**
 * Where a value of the configuration came from, for a message about it: "listen at
 * /etc/stevedore.conf:12" for the `index`-th value of a statement, or "the default listen"
 * when the file does not give that statement.
 */
export function declaredAt(config: Pick<Config, 'statementsAt'>, statement: string, index = 0): string {
  const at = config.statementsAt[statement]?.[index];
  return at === undefined ? `the default ${statement}` : `${statement} at ${at.file}:${at.line}`;
}
