import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { startProcess, type ManagedProcess } from './managed-process.js';
import { requireTool } from './require-tool.js';
import { runCli, startCli, type CliResult, type CliRun } from './run-cli.js';

/** The Net-SNMP client tools the tests run; each must be installed (Debian package snmp). */
export type SnmpTool = 'snmpget' | 'snmpgetnext' | 'snmpwalk' | 'snmpbulkwalk' | 'snmpset' | 'snmptable' | 'snmpbulkget';

export interface SnmpdOptions {
  /** How the master listens for subagents: a unix socket in the directory (default) or loopback tcp. */
  agentx?: 'unix' | 'tcp';
  /** A write community (rwcommunity NAME 127.0.0.1), for the tests that try a SET. */
  writeCommunity?: string;
  /** Further snmpd.conf lines (trap2sink, override, agentXTimeout...). */
  config?: readonly string[];
}

/**
 * A private Net-SNMP snmpd on loopback as machine.md describes: its own config (-C -c), its own
 * persistent directory, no SMUX, the AgentX master on a socket in DIR. Started, stopped, killed
 * and restarted by pid; the same ports and socket across restarts.
 */
export interface Snmpd {
  dir: string;
  /** The SNMP agent: '127.0.0.1:PORT' (udp). */
  agent: string;
  /** The AgentX master: 'unix:DIR/agentx.sock' or 'tcp:127.0.0.1:PORT'. */
  agentx: string;
  /** Environment for the client tools: their own persistent directory, no MIB loading. */
  clientEnv: NodeJS.ProcessEnv;
  pid(): number | undefined;
  start(): Promise<void>;
  /** SIGTERM, and wait for the exit. */
  stop(): Promise<void>;
  /** SIGKILL: no goodbye to anyone. */
  kill(): Promise<void>;
  restart(): Promise<void>;
  log(): string;
  /**
   * Runs a client tool as `TOOL -v2c -c COMMUNITY -On FLAGS... AGENT OPERANDS...` (operands:
   * OIDs, or for snmpset OID TYPE VALUE). Community 'public' unless given.
   */
  run(tool: SnmpTool, operands: readonly string[], flags?: readonly string[], community?: string): Promise<CliResult>;
  /** Like run, without waiting: for tools running side by side. */
  spawn(tool: SnmpTool, operands: readonly string[], flags?: readonly string[], community?: string): CliRun;
}

export async function createSnmpd(dir: string, options: SnmpdOptions = {}): Promise<Snmpd> {
  const snmpd = requireTool('snmpd', 'snmpd');
  const port = await freePort();
  const agentx = options.agentx === 'tcp' ? `tcp:127.0.0.1:${await freePort()}` : `unix:${join(dir, 'agentx.sock')}`;
  const persist = join(dir, 'persist');
  const clientPersist = join(dir, 'client-persist');
  mkdirSync(persist, { recursive: true });
  mkdirSync(clientPersist, { recursive: true });
  const conf = join(dir, 'snmpd.conf');
  writeFileSync(
    conf,
    [
      'master agentx',
      `agentXSocket ${agentx}`,
      'agentXPerms 0660 0770',
      'rocommunity public 127.0.0.1',
      ...(options.writeCommunity ? [`rwcommunity ${options.writeCommunity} 127.0.0.1`] : []),
      // Large values (4 KiB outputs) in one GETBULK response need more than one UDP datagram's default.
      '[snmp] sendMessageMaxSize 60000',
      ...(options.config ?? []),
      '',
    ].join('\n'),
  );
  const clientEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', SNMP_PERSISTENT_DIR: clientPersist, MIBS: '' };
  const agent = `127.0.0.1:${port}`;
  const tools = new Map<SnmpTool, string>();
  const tool = (name: SnmpTool): string => {
    let path = tools.get(name);
    if (path === undefined) tools.set(name, (path = requireTool(name, 'snmp')));
    return path;
  };
  const argv = (operands: readonly string[], flags: readonly string[], community: string): string[] => ['-v2c', '-c', community, '-On', ...flags, agent, ...operands];
  const run = (name: SnmpTool, operands: readonly string[], flags: readonly string[] = [], community = 'public'): Promise<CliResult> =>
    runCli(tool(name), argv(operands, flags, community), { env: clientEnv });
  const spawn = (name: SnmpTool, operands: readonly string[], flags: readonly string[] = [], community = 'public'): CliRun =>
    startCli(tool(name), argv(operands, flags, community), { env: clientEnv });

  const agentxListening = (): Promise<boolean> => {
    if (agentx.startsWith('unix:')) return Promise.resolve(existsSync(agentx.slice(5)));
    return new Promise((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port: Number(agentx.split(':')[2]) });
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
  };
  const answering = async (): Promise<boolean> => {
    if (!(await agentxListening())) return false;
    const r = await runCli(tool('snmpget'), ['-v2c', '-c', 'public', '-t', '0.3', '-r', '0', agent, '1.3.6.1.2.1.1.3.0'], { env: clientEnv });
    return r.code === 0;
  };

  let process_: ManagedProcess | undefined;
  const handle: Snmpd = {
    dir,
    agent,
    agentx,
    clientEnv,
    pid: () => process_?.pid,
    async start() {
      if (process_ !== undefined) throw new Error('snmpd is running already');
      process_ = await startProcess({
        name: 'snmpd',
        command: snmpd,
        args: ['-f', '-Lf', join(dir, 'snmpd.log'), '-C', '-c', conf, '-p', join(dir, 'snmpd.pid'), '-I', '-smux', `udp:${agent}`],
        dir,
        env: { PATH: clientEnv.PATH, SNMP_PERSISTENT_DIR: persist, MIBS: '' },
        ready: answering,
      });
    },
    async stop() {
      const p = process_;
      process_ = undefined;
      await p?.stop();
    },
    async kill() {
      const p = process_;
      process_ = undefined;
      if (p === undefined) return;
      p.child.kill('SIGKILL');
      await p.stop();
    },
    async restart() {
      await handle.stop();
      await handle.start();
    },
    log: () => {
      const path = join(dir, 'snmpd.log');
      return existsSync(path) ? readFileSync(path, 'utf8') : '';
    },
    run,
    spawn,
  };
  return handle;
}

/** createSnmpd, then start. */
export async function startSnmpd(dir: string, options: SnmpdOptions = {}): Promise<Snmpd> {
  const snmpd = await createSnmpd(dir, options);
  await snmpd.start();
  return snmpd;
}
