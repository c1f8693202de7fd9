#!/usr/bin/env node
import { main } from '../stevedore/cli.js';
import { runDaemon } from '../stevedore/daemon.js';

const io = {
  out: (text: string): void => void process.stdout.write(text),
  err: (text: string): void => void process.stderr.write(text),
};

main(process.argv.slice(2), io, (options) => runDaemon(options)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`stevedore: internal error: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(70); // EX_SOFTWARE
  },
);
