/**
 * The one error base: every error the product throws on purpose carries a stable `code` that
 * tests and callers branch on, and a message that says what happened and what to do.
 */
export class CodedError<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  override get name(): string {
    return this.constructor.name;
  }
}
