#!/usr/bin/env node
import { main } from '../stevedore/cli.js';
import { formatErrors } from '../stevedore/config/errors.js';
import { loadConfig } from '../stevedore/config/load.js';
import type { StevedoreOptions } from '../stevedore/options.js';

/**
 * Stands in for the daemon until the collector is part of this build: it reads and checks
 * the configuration, then stops with status 1, since nothing would be served.
 */
async function runDaemon(options: StevedoreOptions): Promise<number> {
  const result = await loadConfig(options.configFile, { preprocessor: options.preprocessor });
  if (!result.ok) {
    process.stderr.write(formatErrors(result.errors));
    return 1;
  }
  process.stderr.write('stevedore: configuration OK; the collector is not part of this build yet\n');
  return 1;
}

const io = {
  out: (text: string): void => void process.stdout.write(text),
  err: (text: string): void => void process.stderr.write(text),
};

main(process.argv.slice(2), io, runDaemon).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`stevedore: internal error: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 70; // EX_SOFTWARE
  },
);
