import type { Writable } from 'node:stream';

const EMPTY = Buffer.alloc(0);

/**
 * Resolves once everything written to the sinks so far has been taken by their readers (or
 * failed), so that exiting loses nothing; or as soon as `stop` aborts. Writes complete in
 * order, so an empty write's callback comes after every write before it.
 */
export function flushed(sinks: readonly Writable[], stop?: AbortSignal): Promise<void> {
  const all = Promise.all(
    sinks.map((sink) =>
      sink.writableLength === 0 ? undefined : new Promise<void>((resolve) => sink.write(EMPTY, () => resolve())),
    ),
  ).then(() => undefined);
  if (stop === undefined) return all;
  if (stop.aborted) return Promise.resolve();
  return Promise.race([all, new Promise<void>((resolve) => stop.addEventListener('abort', () => resolve(), { once: true }))]);
}
