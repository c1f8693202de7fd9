/** How stevedore was started: its command line, parsed (src/stevedore/cli). */
export type Preprocessor = { kind: 'm4' } | { kind: 'none' } | { kind: 'command'; command: string };

export const DEFAULT_CONFIG_FILE = '/etc/stevedore.conf';

export interface StevedoreOptions {
  configFile: string;
  /** -F: stay attached, log JSON lines to stdout. */
  foreground: boolean;
  /** -s: one process, no supervisor. */
  single: boolean;
  /** -d: log level debug, whatever the configuration says. */
  debug: boolean;
  preprocessor: Preprocessor;
}
