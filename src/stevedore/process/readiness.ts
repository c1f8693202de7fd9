import { writeSync, closeSync } from 'node:fs';

/**
 * How a started stevedore tells whoever started it that it serves, or why it cannot:
 * a detached process writes to the pipe its launcher left on STEVEDORE_READY_FD, a supervised
 * worker sends an IPC message. Both are optional: a foreground stevedore just runs.
 */
export interface Readiness {
  ready(): void;
  /** A start-up failure that restarting cannot fix (a bad port, a missing user). */
  fatal(message: string): void;
}

export type ReadinessMessage = { type: 'ready' } | { type: 'fatal'; message: string };

export function readinessFromEnvironment(env: NodeJS.ProcessEnv = process.env): Readiness {
  const fd = Number(env.STEVEDORE_READY_FD);
  const tell = (text: string): void => {
    if (Number.isInteger(fd) && fd > 2) {
      try {
        writeSync(fd, text);
        closeSync(fd);
      } catch {
        // the launcher is gone: nobody to tell
      }
    }
    if (process.send) process.send(text.startsWith('ready') ? { type: 'ready' } : { type: 'fatal', message: text.slice('fatal '.length).trim() });
  };
  let told = false;
  return {
    ready: () => {
      if (!told) tell('ready\n');
      told = true;
    },
    fatal: (message) => {
      if (!told) tell(`fatal ${message}\n`);
      told = true;
    },
  };
}
