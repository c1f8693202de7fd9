import { createConnection, type Socket } from 'node:net';
import { formatHostPort, parseHostPort } from '../common/host-port.js';
import { AgentxError } from './errors.js';

/** Where the master agent listens (snmpd.conf agentXSocket). */
export type AgentxAddress = { readonly transport: 'unix'; readonly path: string } | { readonly transport: 'tcp'; readonly host: string; readonly port: number };

/** snmpd's default agentXSocket. */
export const DEFAULT_AGENTX_ADDRESS = 'unix:/var/agentx/master';

/**
 * Reads an address written as in snmpd.conf's agentXSocket: 'unix:/var/agentx/master',
 * '/var/agentx/master', 'tcp:127.0.0.1:705', 'tcp:[::1]:705' or 'tcp:705' (localhost).
 * Throws AGENTX_CONFIG on anything else.
 */
export function parseAgentxAddress(text: string): AgentxAddress {
  if (text.startsWith('/')) return { transport: 'unix', path: text };
  if (text.startsWith('unix:') && text.length > 5) return { transport: 'unix', path: text.slice(5) };
  if (text.startsWith('tcp:')) {
    const rest = text.slice('tcp:'.length);
    // snmpd reads a bare port as one on localhost.
    const tcp = parseHostPort(/^\d+$/.test(rest) ? `localhost:${rest}` : rest);
    if (tcp.ok) return { transport: 'tcp', ...tcp.value };
  }
  throw new AgentxError('AGENTX_CONFIG', `'${text}' is not an AgentX address: write unix:/PATH (or /PATH) or tcp:HOST:PORT, as in snmpd.conf's agentXSocket`);
}

export function formatAgentxAddress(address: AgentxAddress): string {
  if (address.transport === 'unix') return `unix:${address.path}`;
  return `tcp:${formatHostPort(address)}`;
}

/**
 * Opens a stream to the master agent. Bytes received go to onData (a chunk is only valid
 * during the call); the socket emits 'connect', 'error' and 'close'.
 */
export type Connector = (address: AgentxAddress, onData: (chunk: Buffer) => void) => Socket;

/** Bytes read from the socket at most at once. */
const READ_BUFFER = 64 * 1024;

/**
 * Node's own sockets, read into one buffer per connection (net's `onread`): a GetNext walk is
 * one small PDU each way per varbind, and the Readable machinery per read cost more than the
 * answer itself. Nagle is off: every PDU is a request or an answer someone waits for.
 */
export const netConnector: Connector = (address, onData) => {
  const buffer = Buffer.allocUnsafe(READ_BUFFER);
  const onread = {
    buffer,
    callback: (bytes: number): boolean => {
      onData(buffer.subarray(0, bytes));
      return true;
    },
  };
  const socket = address.transport === 'unix' ? createConnection({ path: address.path, onread }) : createConnection({ host: address.host, port: address.port, onread });
  socket.setNoDelay(true);
  return socket;
};
