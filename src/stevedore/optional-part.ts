/**
 * A part of the daemon that runs only when the configuration asks for it (the AgentX session
 * with `agentx-socket`, the Docker follower with `docker-socket`): started for the first
 * configuration, restarted by a reload that changes its own settings, left alone by one that
 * does not, and stopped at shutdown.
 */
export interface OptionalPartSpec<Config, Part> {
  /** The settings the part is started with; compared as JSON between configurations. */
  settings(config: Config): unknown;
  /** Starts the part, or gives null when the configuration turns it off. */
  start(config: Config): Part | null;
  stop(part: Part): Promise<void> | void;
  /**
   * Parts this one is started with (the etcd connection for its users): a reload that restarts
   * one of them restarts this one too, on the new one (see applyInOrder).
   */
  uses?: readonly OptionalPart<Config, unknown>[];
}

export class OptionalPart<Config, Part> {
  private running: { part: Part | null; settings: string } = { part: null, settings: '' };

  constructor(private readonly spec: OptionalPartSpec<Config, Part>) {}

  /** The running part; null when the configuration has it off (or while it restarts). */
  get current(): Part | null {
    return this.running.part;
  }

  get uses(): readonly OptionalPart<Config, unknown>[] {
    return this.spec.uses ?? [];
  }

  /** Whether `config` restarts or stops the running part: its own settings or those of a part it uses changed. */
  changedBy(config: Config): boolean {
    return this.settingsOf(config) !== this.running.settings;
  }

  /** Makes the part match `config`: starts, restarts or stops it when its settings changed. */
  async apply(config: Config): Promise<void> {
    const settings = this.settingsOf(config);
    if (settings === this.running.settings) return;
    await this.stop();
    this.running = { part: this.spec.start(config), settings };
  }

  async stop(): Promise<void> {
    const { part } = this.running;
    this.running = { part: null, settings: '' };
    if (part !== null) await this.spec.stop(part);
  }

  private settingsOf(config: Config): string {
    return JSON.stringify([this.spec.settings(config), ...this.uses.map((used) => used.settingsOf(config))]);
  }
}

/**
 * Applies `config` to parts listed after the parts they use: first stops, last to first, every
 * part the configuration changes, then starts them first to last. A part never runs on a part
 * that is stopped, and a reload that changes a used part moves its users to the new one.
 */
export async function applyInOrder<Config>(parts: readonly OptionalPart<Config, unknown>[], config: Config): Promise<void> {
  parts.forEach((part, i) => {
    if (part.uses.some((used) => !parts.slice(0, i).includes(used))) throw new RangeError('an optional part is listed before a part it uses');
  });
  for (const part of [...parts].reverse()) if (part.changedBy(config)) await part.stop();
  for (const part of parts) await part.apply(config);
}
