import { spawn } from 'node:child_process';
import { detachedEnvironment } from './role.js';

/**
 * Starts stevedore again in the background (a new session, no terminal) and waits until it
 * serves or says why it cannot, so that `stevedore` without -F reports start-up errors on the
 * terminal and exits 0 only when the daemon is up, saying `stevedore: started, pid N`.
 */
export function detach(argv: readonly string[], err: (text: string) => void): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, ...argv], {
      detached: true,
      stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
      env: { ...detachedEnvironment(process.env), STEVEDORE_READY_FD: '3' },
    });
    const pipe = child.stdio[3] as NodeJS.ReadableStream;
    let said = '';
    pipe.on('data', (chunk: Buffer) => (said += chunk.toString()));
    const finish = (code: number): void => {
      child.removeAllListeners();
      pipe.removeAllListeners();
      (pipe as unknown as { destroy(): void }).destroy();
      child.unref();
      resolve(code);
    };
    pipe.on('end', () => {
      if (said.startsWith('ready')) {
        err(`stevedore: started, pid ${child.pid}\n`);
        return finish(0);
      }
      if (said.startsWith('fatal ')) err(`stevedore: ${said.slice(6).trim()}\n`);
      else err('stevedore: the background process stopped during start-up without saying why; run with -F to see its log\n');
      finish(1);
    });
    child.on('error', (error) => {
      err(`stevedore: cannot start in the background: ${error.message}\n`);
      finish(1);
    });
  });
}
