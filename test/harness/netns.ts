import { execFileSync } from 'node:child_process';
import { requireTool } from './require-tool.js';

/**
 * A network namespace standing in for a container's network: a veth pair, the host side
 * HOST_ADDRESS/24, the namespace side with a default route via the host side, as on docker0.
 * Needs root (CI runs as root).
 */
export interface NetNamespace {
  name: string;
  hostAddress: string;
  /** argv prefix that runs a command inside the namespace. */
  exec: string[];
  remove(): void;
}

export function createNetNamespace(tag: string): NetNamespace {
  const ip = requireTool('ip', 'iproute2');
  const subnet = 100 + (process.pid % 150);
  const name = `tm-${tag}-${process.pid}`;
  const hostIf = `vh${process.pid}`.slice(0, 15);
  const nsIf = `vc${process.pid}`.slice(0, 15);
  const hostAddress = `172.30.${subnet}.1`;
  const run = (...args: string[]): void => {
    execFileSync(ip, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  };
  const inside = (...args: string[]): void => run('netns', 'exec', name, ip, ...args);
  const remove = (): void => {
    for (const args of [['link', 'del', hostIf], ['netns', 'del', name]]) {
      try {
        run(...args);
      } catch {
        // already gone
      }
    }
  };
  remove();
  try {
    run('netns', 'add', name);
    run('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf);
    run('link', 'set', nsIf, 'netns', name);
    run('addr', 'add', `${hostAddress}/24`, 'dev', hostIf);
    run('link', 'set', hostIf, 'up');
    inside('addr', 'add', `172.30.${subnet}.2/24`, 'dev', nsIf);
    inside('link', 'set', nsIf, 'up');
    inside('link', 'set', 'lo', 'up');
    inside('route', 'add', 'default', 'via', hostAddress);
  } catch (error) {
    remove();
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`could not create network namespace ${name} (root needed): ${stderr || (error as Error).message}`);
  }
  return { name, hostAddress, exec: [ip, 'netns', 'exec', name], remove };
}
