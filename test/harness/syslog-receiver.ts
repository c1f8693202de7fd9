import { existsSync } from 'node:fs';
import { startProcess, type ManagedProcess } from './managed-process.js';
import { requireTool } from './require-tool.js';
import type { TempDir } from './temp-dir.js';

// A syslog daemon's end of /dev/log: a unix datagram socket (Node has none; python3 does).
const RECEIVER = `
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
while True:
    data = s.recv(65536)
    sys.stdout.write(data.decode('utf-8', 'replace') + '\\n')
    sys.stdout.flush()
`;

export interface SyslogReceiver {
  /** The socket to give logger(1) instead of /dev/log. */
  socket: string;
  /** Each datagram received so far, one per line. */
  log(): string;
  stop(): Promise<unknown>;
}

/** A datagram socket in DIR that records what logger(1) sends it. */
export async function startSyslogReceiver(dir: TempDir): Promise<SyslogReceiver> {
  requireTool('logger', 'bsdutils');
  const python = requireTool('python3', 'python3');
  const socket = dir.file('log.sock');
  const receiver: ManagedProcess = await startProcess({ name: 'receiver', command: python, args: ['-c', RECEIVER, socket], dir: dir.path, ready: () => existsSync(socket) });
  return { socket, log: () => receiver.log(), stop: () => receiver.stop() };
}
