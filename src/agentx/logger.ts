/**
 * The logger the library writes to, with pino's call shape: `logger.info({ ...fields }, 'message')`.
 * A pino logger (or a child of one) fits as is. Fields carry names, never bare protocol numbers.
 */
export interface Logger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

const ignore = (): void => {};

/** The default: the library stays quiet unless it is given a logger. */
export const silentLogger: Logger = { debug: ignore, info: ignore, warn: ignore, error: ignore };
