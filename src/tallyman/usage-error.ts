/** Bad command-line usage: tallyman prints the reason and the synopsis, exits 64, runs nothing. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
