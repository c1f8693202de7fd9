#!/usr/bin/env node
import { SignalInbox } from '../stevedore/process/signal-inbox.js';

// Taken before the rest of stevedore loads: a SIGHUP or SIGTERM during start-up must not kill
// it with the default action (the daemon acts on what came once it serves).
const signals = new SignalInbox();
const { main } = await import('../stevedore/cli.js');
const { runDaemon } = await import('../stevedore/daemon.js');

const io = {
  out: (text: string): void => void process.stdout.write(text),
  err: (text: string): void => void process.stderr.write(text),
};

main(process.argv.slice(2), io, (options) => runDaemon(options, signals), signals.stopping).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`stevedore: internal error: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(70); // EX_SOFTWARE
  },
);
