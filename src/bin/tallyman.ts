#!/usr/bin/env node
import { main } from '../tallyman/main.js';

// A closed stdout or stderr (tallyman ... | head -1) must not end the health check:
// passthrough stops, capture and the report go on.
process.stdout.on('error', () => {});
process.stderr.on('error', () => {});

const io = {
  stdout: process.stdout,
  stderr: process.stderr,
  message: (line: string): void => {
    process.stderr.write(`${line}\n`);
  },
};

main(process.argv.slice(2), process.env, io).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`tallyman: internal error: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(70); // EX_SOFTWARE
  },
);
