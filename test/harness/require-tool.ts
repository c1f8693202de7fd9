import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

const SEARCH = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin'];

/**
 * The full path of a program the integration tests run for real. A missing one fails the
 * test with what to do: tests never skip for a missing dependency.
 */
export function requireTool(name: string, debianPackage: string): string {
  for (const dir of SEARCH) {
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not in this directory
    }
  }
  throw new Error(`'${name}' is not installed: run 'npm run setup' as root (Debian package ${debianPackage})`);
}
