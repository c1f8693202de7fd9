#!/usr/bin/env node
import { EarlySignals } from '../common/early-signals.js';

// Taken before the rest of checker loads: a SIGTERM or SIGINT while monitor or listener starts
// stops it cleanly instead of killing it (check gives them back their default action).
const signals = new EarlySignals(['SIGTERM', 'SIGINT'] as const);
const { main } = await import('../checker/main.js');

main(process.argv.slice(2), signals).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`checker: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(70);
  },
);
