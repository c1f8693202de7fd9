/** One of a fixed set of words: a log level, a syslog facility. */
import { closest } from '../suggest.js';
import { invalid, valid, type Value } from './value.js';

function list(options: readonly string[]): string {
  return options.length === 1 ? (options[0] as string) : `${options.slice(0, -1).join(', ')} or ${options[options.length - 1]}`;
}

/** `what` names the value in messages: "bad log level 'warning' (did you mean 'warn'? ...)". */
export function parseChoice<T extends string>(text: string, options: readonly T[], what: string): Value<T> {
  if ((options as readonly string[]).includes(text)) return valid(text as T);
  const near = closest(text, options);
  const hint = near === null ? '' : `did you mean '${near}'? `;
  return invalid('CONFIG_BAD_CHOICE', `bad ${what} '${text}' (${hint}use ${list(options)})`);
}
