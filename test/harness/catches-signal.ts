import { readFileSync } from 'node:fs';
import { constants } from 'node:os';

/**
 * Whether process `pid` has a handler for `signal` (SigCgt in /proc/PID/status): the first
 * moment a Node.js program can take it, Node.js's own start-up leaving it its default action.
 * Not for SIGTERM: Node.js catches it from its start, to restore the terminal before dying of it.
 */
export function catchesSignal(pid: number, signal: NodeJS.Signals): boolean {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return false;
  }
  const mask = /^SigCgt:\s*([0-9a-f]+)$/m.exec(status)?.[1];
  return mask !== undefined && ((BigInt(`0x${mask}`) >> BigInt(constants.signals[signal] - 1)) & 1n) === 1n;
}
