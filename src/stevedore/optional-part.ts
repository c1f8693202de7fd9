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
}

export class OptionalPart<Config, Part> {
  private running: { part: Part | null; settings: string } = { part: null, settings: '' };

  constructor(private readonly spec: OptionalPartSpec<Config, Part>) {}

  /** The running part; null when the configuration has it off (or while it restarts). */
  get current(): Part | null {
    return this.running.part;
  }

  /** Makes the part match `config`: starts, restarts or stops it when its settings changed. */
  async apply(config: Config): Promise<void> {
    const settings = JSON.stringify(this.spec.settings(config));
    if (settings === this.running.settings) return;
    await this.stop();
    this.running = { part: this.spec.start(config), settings };
  }

  async stop(): Promise<void> {
    const { part } = this.running;
    this.running = { part: null, settings: '' };
    if (part !== null) await this.spec.stop(part);
  }
}
