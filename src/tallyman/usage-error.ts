import { CodedError } from '../common/coded-error.js';

/** Bad command-line usage: tallyman prints the reason and the synopsis, exits 64, runs nothing. */
export class UsageError extends CodedError<'USAGE'> {
  constructor(message: string) {
    super('USAGE', message);
  }
}
