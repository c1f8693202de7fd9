import { open, readFile, rename, unlink } from 'node:fs/promises';
import type { Clock } from '../../common/clock.js';
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
  private timer: NodeJS.Timeout | undefined;
  private saving: Promise<void> | undefined;

  constructor(
    readonly path: string,
    private readonly registry: Registry,
    private readonly clock: Clock,
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
    this.timer = setInterval(() => void this.save(), SAVE_INTERVAL_MS);
    this.timer.unref();
  }

  /** Stops the timer and writes what is not written yet. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.save();
  }

  async save(): Promise<void> {
    if (this.saving) await this.saving;
    const generation = this.registry.generation();
    if (generation === this.savedGeneration) return;
    this.saving = this.write(generation).finally(() => (this.saving = undefined));
    await this.saving;
  }

  private async write(generation: number): Promise<void> {
    const temporary = `${this.path}.tmp-${process.pid}`;
    try {
      const json = JSON.stringify(takeSnapshot(this.registry, this.clock.now()));
      const handle = await open(temporary, 'w', 0o640);
      try {
        await handle.writeFile(json);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, this.path);
      this.savedGeneration = generation;
    } catch (error) {
      await unlink(temporary).catch(() => {});
      this.log.error({ stateFile: this.path, err: error }, `cannot write the state file: ${(error as Error).message}`);
    }
  }

  private async setAside(reason: string): Promise<void> {
    const aside = `${this.path}.unusable-${new Date(this.clock.now()).toISOString().replace(/[:.]/g, '-')}`;
    try {
      await rename(this.path, aside);
      this.log.error({ stateFile: this.path, movedTo: aside, reason }, `state file ${this.path} cannot be used (${reason}): moved to ${aside}; starting empty`);
    } catch (error) {
      this.log.error({ stateFile: this.path, reason }, `state file ${this.path} cannot be used (${reason}) nor moved aside (${(error as Error).message}); starting empty`);
    }
  }
}
