/**
 * Configuration files are regular files. Opening a FIFO waits for a writer (forever, for one
 * left in a conf.d), a device such as /dev/zero never ends, and a directory or a socket holds no
 * configuration: each is refused by name before anything reads it.
 */
import { constants, type Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { CodedError } from '../../common/coded-error.js';

export class NotRegularFileError extends CodedError<'CONFIG_NOT_REGULAR_FILE'> {
  constructor(kind: string) {
    super('CONFIG_NOT_REGULAR_FILE', `it is ${kind}, not a regular file`);
  }
}

function kindOf(stats: Stats): string | null {
  if (stats.isFile()) return null;
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isDirectory()) return 'a directory';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a file';
}

/** Why a file cannot be read, in words, for `cannot read ...: WHY`. */
export function describeFileError(error: unknown): string {
  if (error instanceof NotRegularFileError) return error.message;
  switch ((error as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
      return 'permission denied';
    default:
      return (error as Error).message;
  }
}

/** Throws NotRegularFileError (or the stat's error) unless `file` is a regular file. */
export async function assertRegularFile(file: string): Promise<void> {
  const kind = kindOf(await stat(file));
  if (kind !== null) throw new NotRegularFileError(kind);
}

/**
 * The text of a regular file. Opened without blocking, so that a FIFO put in its place since
 * it was checked cannot hold the open, then checked again on what was opened.
 */
export async function readRegularFile(file: string, signal?: AbortSignal): Promise<string> {
  await assertRegularFile(file);
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  try {
    const kind = kindOf(await handle.stat());
    if (kind !== null) throw new NotRegularFileError(kind);
    return await handle.readFile({ encoding: 'utf8', signal });
  } finally {
    await handle.close();
  }
}
