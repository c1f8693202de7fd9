import { open, readFile, rename, unlink } from 'node:fs/promises';
import type { Time, TimerHandle } from '../../common/time.js';
import type { Logger } from '../logging/logger.js';
import type { Registry } from '../registry/registry.js';
import { restoreSnapshot, SnapshotError, takeSnapshot } from '../registry/snapshot.js';

export const SAVE_INTERVAL_MS = 5000;

/**
 * The registry on disk, so that a restart forgets nothing. Written atomically (a temporary file
 * in the same directory, flushed, then renamed over the old one), at most every SAVE_INTERVAL_MS
 * when something changed, and at shutdown. Read once at start: a file that cannot be used is
 * logged and moved aside, and stevedore starts empty rather than crash-looping.
 */
export class StateFile {
  private savedGeneration = -1;
  private timer: TimerHandle | null = null;
  private saves: Promise<boolean> = Promise.resolve(true);

  constructor(
    readonly path: string,
    private readonly registry: Registry,
    private readonly time: Time,
    private readonly log: Logger,
  ) {}

  async load(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        this.log.info({ stateFile: this.path }, 'no state file yet: starting empty');
        return;
      }
      await this.setAside(`unreadable (${code ?? (error as Error).message})`);
      return;
    }
    try {
      const { instances, leftOut } = restoreSnapshot(this.registry, text);
      this.savedGeneration = this.registry.generation();
      this.log.info({ stateFile: this.path, instances, leftOut }, `state restored: ${instances} instances${leftOut ? `, ${leftOut} of services no longer declared left out` : ''}`);
    } catch (error) {
      if (!(error instanceof SnapshotError)) throw error;
      await this.setAside(error.message);
    }
  }

  /** Saves every interval while something changed. */
  start(): void {
    this.timer = this.time.setInterval(() => void this.save(), SAVE_INTERVAL_MS);
  }

  /** Stops the timer and writes what is not written yet; false when that write failed. */
  async stop(): Promise<boolean> {
    if (this.timer !== null) this.time.clearInterval(this.timer);
    this.timer = null;
    return this.save();
  }

  /** Writes the registry if it changed since the last write; saves run one after the other. */
  save(): Promise<boolean> {
    this.saves = this.saves.then(() => (this.registry.generation() === this.savedGeneration ? true : this.write(this.registry.generation())));
    return this.saves;
  }

  /**
   * Whether the state file can be written, checked once at start-up (after root is dropped):
   * an error now, rather than a state silently never saved.
   */
  async probe(): Promise<void> {
    const temporary = `${this.path}.tmp-${process.pid}`;
    try {
      await (await open(temporary, 'w', 0o640)).close();
      await unlink(temporary);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new Error(`cannot write the state file ${this.path}: ${code} (its directory must be writable by the user stevedore runs as)`);
    }
  }

  private async write(generation: number): Promise<boolean> {
    const temporary = `${this.path}.tmp-${process.pid}`;
    try {
      const json = JSON.stringify(takeSnapshot(this.registry, this.time.wall()));
      const handle = await open(temporary, 'w', 0o640);
      try {
        await handle.writeFile(json);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, this.path);
      this.savedGeneration = generation;
      return true;
    } catch (error) {
      await unlink(temporary).catch(() => {});
      this.log.error({ stateFile: this.path, err: error }, `cannot write the state file: ${(error as Error).message}`);
      return false;
    }
  }

  private async setAside(reason: string): Promise<void> {
    const aside = `${this.path}.unusable-${new Date(this.time.wall()).toISOString().replace(/[:.]/g, '-')}`;
    try {
      await rename(this.path, aside);
      this.log.error({ stateFile: this.path, movedTo: aside, reason }, `state file ${this.path} cannot be used (${reason}): moved to ${aside}; starting empty`);
    } catch (error) {
      this.log.error({ stateFile: this.path, reason }, `state file ${this.path} cannot be used (${reason}) nor moved aside (${(error as Error).message}); starting empty`);
    }
  }
}
