import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Writes this process's pid to `path` (atomically) and returns a function that removes it
 * (and says why, when it cannot).
 * Refuses when the file names a process that is still running: two stevedores would fight
 * over the port and the state file.
 */
export function writePidfile(path: string, pid = process.pid): () => string | null {
  let existing = NaN;
  try {
    existing = Number(readFileSync(path, 'utf8').trim());
  } catch {
    // no pidfile yet
  }
  if (Number.isInteger(existing) && existing > 0 && existing !== pid && alive(existing)) {
    throw new Error(`stevedore is already running as pid ${existing} (pidfile ${path}); stop it first`);
  }
  const temporary = `${path}.tmp-${pid}`;
  writeFileSync(temporary, `${pid}\n`, { mode: 0o644 });
  renameSync(temporary, path);
  return () => {
    try {
      if (readFileSync(path, 'utf8').trim() === String(pid)) unlinkSync(path);
      return null;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return code === 'ENOENT' ? null : (code ?? (error as Error).message);
    }
  };
}
