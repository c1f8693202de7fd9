import type { ConflictSource } from './events.js';
import type { InstanceConflict } from './records.js';
import type { InstanceState } from './states.js';

/** How often a conflict that goes on is announced again (a log line once a minute). */
export const CONFLICT_ANNOUNCE_MS = 60_000;
/** Sources remembered per conflict at most (a hostname shared by a whole --scale 50). */
const MAX_SOURCES = 64;

/** One result as far as conflicts care: where it came from, when, and its own verdict. */
export interface SourceResult {
  address: string;
  containerId: string | null;
  containerName: string | null;
  verdict: InstanceState;
  /** Monotonic. */
  at: number;
  /** Wall. */
  wall: number;
}

/** Two results come from one source: the same container when both are known, else the same address. */
export function sameSource(addressA: string, containerA: string | null, addressB: string, containerB: string | null): boolean {
  return containerA !== null && containerB !== null ? containerA === containerB : addressA === addressB;
}

const same = (a: SourceResult, b: SourceResult): boolean => sameSource(a.address, a.containerId, b.address, b.containerId);

/**
 * A hostname conflict: two or more sources (addresses; containers when known) reporting the
 * same instance within its ttl (Compose `hostname:` with `--scale`). While it lasts, the
 * instance's state is the worst of its sources' last verdicts, so results that alternate
 * between sources do not flap it. It ends when all but one source have been silent for the ttl.
 */
export class Conflict implements InstanceConflict {
  private readonly sources: SourceResult[];
  private announcedAt = -Infinity;

  private constructor(first: SourceResult, second: SourceResult, readonly since: number) {
    this.sources = [first, second];
  }

  /** Begins when `next` comes from another source than `last` within the ttl (the registry checks). */
  static begin(last: SourceResult, next: SourceResult): Conflict {
    return new Conflict(last, next, next.wall);
  }

  /** Takes in a result; false when the conflict is over (one source left within the ttl). */
  record(result: SourceResult, ttlMs: number): boolean {
    const known = this.sources.findIndex((s) => same(s, result));
    if (known >= 0) this.sources[known] = result;
    else if (this.sources.push(result) > MAX_SOURCES) this.sources.shift();
    for (let i = this.sources.length - 1; i >= 0; i--) if (result.at - this.sources[i]!.at >= ttlMs) this.sources.splice(i, 1);
    return this.sources.length >= 2;
  }

  /** The instance's state while the conflict lasts: the worst of its sources' last verdicts. */
  verdict(): InstanceState {
    if (this.sources.some((s) => s.verdict === 'failing')) return 'failing';
    return this.sources.some((s) => s.verdict === 'starting') ? 'starting' : 'ok';
  }

  /** Whether to announce it now: when it begins, then at most once a minute. */
  announce(now: number): boolean {
    if (now - this.announcedAt < CONFLICT_ANNOUNCE_MS) return false;
    this.announcedAt = now;
    return true;
  }

  get addresses(): string[] {
    return [...new Set(this.sources.map((s) => s.address))];
  }

  get containers(): string[] {
    return [...new Set(this.sources.flatMap((s) => (s.containerName === null ? [] : [s.containerName])))];
  }

  described(): ConflictSource[] {
    return this.sources.map((s) => ({ address: s.address, container: s.containerName, lastSeen: s.wall }));
  }
}
