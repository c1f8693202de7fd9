import { CodedError } from '../../common/coded-error.js';
/**
 * What can be wrong with a configuration, each with a stable code (tests and tools match the
 * code, operators read the message) and the place it was found: FILE:LINE:COL.
 */
export type ConfigErrorCode =
  // reading and preprocessing
  | 'CONFIG_READ_FAILED'
  | 'CONFIG_NOT_REGULAR_FILE'
  | 'CONFIG_M4_MISSING'
  | 'CONFIG_PREPROCESSOR_FAILED'
  | 'CONFIG_PREPROCESSOR_LIMIT'
  // tokens
  | 'CONFIG_UNEXPECTED_CHARACTER'
  | 'CONFIG_UNTERMINATED_COMMENT'
  | 'CONFIG_UNTERMINATED_STRING'
  | 'CONFIG_BAD_ESCAPE'
  // syntax
  | 'CONFIG_EXPECTED_SEMICOLON'
  | 'CONFIG_EXPECTED_STATEMENT'
  | 'CONFIG_UNEXPECTED_TOKEN'
  | 'CONFIG_UNCLOSED_BLOCK'
  // include
  | 'CONFIG_INCLUDE_LOOP'
  // statements
  | 'CONFIG_UNKNOWN_STATEMENT'
  | 'CONFIG_MISPLACED_STATEMENT'
  | 'CONFIG_UNEXPECTED_BLOCK'
  | 'CONFIG_ARGUMENT_COUNT'
  | 'CONFIG_DUPLICATE'
  | 'CONFIG_NO_SERVICE'
  | 'CONFIG_CONFLICT'
  // values
  | 'CONFIG_BAD_DURATION'
  | 'CONFIG_BAD_SIZE'
  | 'CONFIG_BAD_NUMBER'
  | 'CONFIG_BAD_BOOLEAN'
  | 'CONFIG_BAD_CIDR'
  | 'CONFIG_BAD_ADDRESS'
  | 'CONFIG_BAD_CHOICE'
  | 'CONFIG_BAD_NAME'
  | 'CONFIG_BAD_TEXT'
  // the host (--lint)
  | 'CONFIG_NO_SUCH_ACCOUNT'
  | 'CONFIG_NO_DIRECTORY';

/** Where an error was found. A whole-file problem has no line; an m4 diagnostic has no column. */
export interface ErrorPlace {
  file: string;
  line?: number;
  col?: number;
}

export class ConfigError extends CodedError<ConfigErrorCode> {
  readonly place: ErrorPlace;

  constructor(code: ConfigErrorCode, message: string, place: ErrorPlace) {
    super(code, message);
    this.place = place;
  }

  /** One line as operators and editors expect it: FILE:LINE:COL: message. */
  format(): string {
    const { file, line, col } = this.place;
    const where = line === undefined ? file : col === undefined ? `${file}:${line}` : `${file}:${line}:${col}`;
    return `${where}: ${this.message}`;
  }
}

/** Errors as --lint and a refused start print them: one per line. */
export function formatErrors(errors: readonly ConfigError[]): string {
  return errors.map((e) => `${e.format()}\n`).join('');
}
