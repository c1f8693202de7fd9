import { open, readdir, readFile, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Time, TimerHandle } from '../../common/time.js';
import type { Logger } from '../logging/logger.js';
import type { RegistrySnapshots } from '../registry/ports.js';
import { readStateFile, SnapshotError, stateFileChunks } from './snapshot.js';

export const SAVE_INTERVAL_MS = 5000;

const quoted = (name: string | null): string => (name === null ? '' : ` ('${name.length > 60 ? `${name.slice(0, 60)}...` : name}')`);

/** Writes all of `text`, however many writes it takes. */
async function writeAll(handle: FileHandle, text: string): Promise<void> {
  const bytes = Buffer.from(text, 'utf8');
  for (let at = 0; at < bytes.length; ) at += (await handle.write(bytes, at, bytes.length - at)).bytesWritten;
}

/**
 * The registry on disk, so that a restart forgets nothing; it sees the registry only through
 * the snapshot port. Written atomically (a temporary file in the same directory, flushed, then
 * renamed over the old one), at most every SAVE_INTERVAL_MS when something changed, and at
 * shutdown; serialized in slices with the event loop free between them. Read once at start:
 * entries that break the report's contract are dropped one by one, each logged; a file that
 * cannot be used at all is logged and moved aside, and stevedore starts empty rather than
 * crash-looping.
 */
export class StateFile {
  private savedGeneration = -1;
  private timer: TimerHandle | null = null;
  private saves: Promise<boolean> = Promise.resolve(true);

  constructor(
    readonly path: string,
    private readonly registry: RegistrySnapshots,
    private readonly time: Time,
    private readonly log: Logger,
  ) {}

  async load(): Promise<void> {
    await this.removeLeftovers();
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
    let read: Awaited<ReturnType<typeof readStateFile>>;
    try {
      read = await readStateFile(text);
    } catch (error) {
      if (!(error instanceof SnapshotError)) throw error;
      await this.setAside(error.message);
      return;
    }
    for (const { where, name, reason } of read.dropped) {
      this.log.warn({ stateFile: this.path, entry: where, name, reason }, `state file ${this.path}: ${where}${quoted(name)} dropped: ${reason}`);
    }
    const now = this.time.wall();
    for (const service of read.image.services) {
      for (const i of service.instances) {
        if (i.receivedAt <= now && i.stateSince <= now) continue;
        this.log.warn({ stateFile: this.path, service: i.service, hostname: i.hostname }, `state file ${this.path}: instance ${i.service}/${i.hostname} has times in the future: taken as now`);
      }
    }
    const total = read.image.services.reduce((n, s) => n + s.instances.length, 0);
    const instances = this.registry.restore(read.image);
    const leftOut = total - instances;
    this.savedGeneration = this.registry.generation();
    this.log.info(
      { stateFile: this.path, instances, leftOut, dropped: read.dropped.length },
      `state restored: ${instances} instances${leftOut ? `, ${leftOut} left out (service not declared, its source turned off, or over max-instances)` : ''}${read.dropped.length ? `, ${read.dropped.length} entries dropped` : ''}`,
    );
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
    const temporary = this.temporary();
    try {
      await (await open(temporary, 'w', 0o640)).close();
      await unlink(temporary);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new Error(`cannot write the state file ${this.path}: ${code} (its directory must be writable by the user stevedore runs as)`);
    }
  }

  private temporary(): string {
    return `${this.path}.tmp-${process.pid}`;
  }

  /** Temporary files of saves that a crash (SIGKILL, power loss) interrupted: never used, removed. */
  private async removeLeftovers(): Promise<void> {
    const prefix = `${basename(this.path)}.tmp-`;
    const names = await readdir(dirname(this.path)).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.startsWith(prefix))) {
      const path = join(dirname(this.path), name);
      try {
        await unlink(path);
        this.log.info({ stateFile: this.path, removed: path }, `removed ${path}, left by an interrupted save`);
      } catch (error) {
        this.log.warn({ stateFile: this.path, leftover: path }, `cannot remove ${path}, left by an interrupted save: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
    }
  }

  private async write(generation: number): Promise<boolean> {
    const temporary = this.temporary();
    try {
      // The image is taken at once (consistent); its text is written slice by slice.
      const image = this.registry.snapshot();
      const handle = await open(temporary, 'w', 0o640);
      try {
        for (const chunk of stateFileChunks(image)) await writeAll(handle, chunk);
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
