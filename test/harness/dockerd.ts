import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProcess, type ManagedProcess } from './managed-process.js';
import { requireTool } from './require-tool.js';
import { runCli, type CliResult } from './run-cli.js';
import { waitFor } from './wait-for.js';

/**
 * The test engine's directory: one per machine, used by one test file at a time (see the lock
 * below) and kept between runs, so that images built once are found again in its data-root.
 */
export const DOCKERD_DIR = join(tmpdir(), 'tallyman-dockerd');

/** The bridge Debian's dockerd creates; the tests need it to themselves. */
const BRIDGE = 'docker0';

export interface DockerdOptions {
  /** Further dockerd arguments (--live-restore, --shutdown-timeout N...). */
  args?: readonly string[];
  /** How long to wait for another test file that has the engine. */
  lockTimeoutMs?: number;
}

/**
 * A private Debian dockerd as machine.md describes: its own data-root, exec-root, socket and
 * pidfile under DOCKERD_DIR, no firewall changes, the default bridge docker0. Containers reach
 * the host at `gateway`, never at 127.0.0.1.
 */
export interface Dockerd {
  dir: string;
  socket: string;
  /** For the docker CLI: DOCKER_HOST=unix://SOCKET, DOCKER_BUILDKIT=0, a private DOCKER_CONFIG. */
  env: NodeJS.ProcessEnv;
  /** The bridge address, where containers reach the host (and their default gateway): 172.17.0.1. */
  gateway: string;
  pid(): number | undefined;
  /** Runs the docker CLI against this engine; resolves whatever the exit status. */
  docker(args: readonly string[], options?: { input?: string | Buffer }): Promise<CliResult>;
  /** Runs the docker CLI; throws with its stderr unless it exits 0; resolves its trimmed stdout. */
  dockerOk(args: readonly string[], options?: { input?: string | Buffer }): Promise<string>;
  /** `docker inspect --format FORMAT NAME` (a container or an image). */
  inspect(name: string, format: string): Promise<string>;
  /** The daemon's log (stdout and stderr, across restarts). */
  log(): string;
  /** SIGTERM by pid and wait for the exit; containers stop with it (unless --live-restore). */
  stop(): Promise<void>;
  /** Starts the daemon again on the same directories; docker0 and its address stay in place. */
  start(): Promise<void>;
  /** stop, then start: what an engine upgrade or a crash-and-restart looks like to stevedore. */
  restart(): Promise<void>;
  /** Removes every container, stops the daemon, removes what it leaves behind, lets the next file in. */
  close(): Promise<void>;
}

/**
 * Starts the engine once this process holds the machine-wide lock: node's test runner runs test
 * files in parallel processes, and two engines cannot share docker0 (nor stevedore port 8990 on
 * its address), so a second Docker test file waits here until the first one's close().
 */
export async function startDockerd(options: DockerdOptions = {}): Promise<Dockerd> {
  // A second engine in this process would wait for a lock this process holds: share the handle.
  if (engineInThisProcess) throw new Error('this test file has started the Docker test engine already: share that Dockerd (close() it first)');
  engineInThisProcess = true;
  let lock: Lock | undefined;
  let engine: Engine | undefined;
  try {
    const tools = { dockerd: requireTool('dockerd', 'docker.io'), docker: requireTool('docker', 'docker.io'), ip: requireTool('ip', 'iproute2') };
    mkdirSync(DOCKERD_DIR, { recursive: true });
    lock = await takeLock(join(DOCKERD_DIR, 'lock'), options.lockTimeoutMs ?? 600_000);
    engine = new Engine(DOCKERD_DIR, tools, options.args ?? [], lock);
    await removeLeftovers(engine.paths, tools.ip);
    writeFileSync(join(DOCKERD_DIR, 'dockerd.log'), '');
    await engine.start();
    engine.gateway = await waitFor(`an IPv4 address on ${BRIDGE}`, () => bridgeAddress(tools.ip));
    // Containers a crashed run left behind would report into this run's stevedore.
    await removeAllContainers(engine);
    return engine;
  } catch (error) {
    await (engine?.close() ?? lock?.release())?.catch(() => {});
    engineInThisProcess = false;
    throw error;
  }
}

let engineInThisProcess = false;

interface EnginePaths {
  socket: string;
  pidfile: string;
  dataRoot: string;
  execRoot: string;
  /** Present while docker0 is this harness's: after a crash, the next run may remove it. */
  bridgeMarker: string;
  cliConfig: string;
}

class Engine implements Dockerd {
  readonly paths: EnginePaths;
  readonly socket: string;
  readonly env: NodeJS.ProcessEnv;
  gateway = '';
  private daemon: ManagedProcess | undefined;

  constructor(
    readonly dir: string,
    private readonly tools: { dockerd: string; docker: string; ip: string },
    private readonly args: readonly string[],
    private readonly lock: Lock,
  ) {
    this.paths = {
      socket: join(dir, 'docker.sock'),
      pidfile: join(dir, 'dockerd.pid'),
      dataRoot: join(dir, 'data'),
      execRoot: join(dir, 'exec'),
      bridgeMarker: join(dir, 'bridge-is-ours'),
      cliConfig: join(dir, 'cli'),
    };
    mkdirSync(this.paths.cliConfig, { recursive: true });
    this.socket = this.paths.socket;
    this.env = {
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      HOME: process.env.HOME ?? '/root',
      DOCKER_HOST: `unix://${this.socket}`,
      DOCKER_BUILDKIT: '0',
      DOCKER_CONFIG: this.paths.cliConfig,
    };
  }

  pid(): number | undefined {
    return this.daemon?.pid;
  }

  docker(args: readonly string[], options: { input?: string | Buffer } = {}): Promise<CliResult> {
    return runCli(this.tools.docker, args, { env: this.env, ...(options.input !== undefined && { input: options.input }) });
  }

  async dockerOk(args: readonly string[], options: { input?: string | Buffer } = {}): Promise<string> {
    const r = await this.docker(args, options);
    if (r.code !== 0) throw new Error(`docker ${args.join(' ')} exited ${r.code ?? r.signal}: ${r.stderr.toString().trim()}`);
    return r.stdout.toString().trim();
  }

  inspect(name: string, format: string): Promise<string> {
    return this.dockerOk(['inspect', '--format', format, name]);
  }

  log(): string {
    const path = join(this.dir, 'dockerd.log');
    return existsSync(path) ? readFileSync(path, 'utf8') : '';
  }

  async start(): Promise<void> {
    if (this.daemon !== undefined) throw new Error('dockerd is running already');
    const p = this.paths;
    writeFileSync(p.bridgeMarker, `${process.pid}\n`);
    this.daemon = await startProcess({
      name: 'dockerd',
      command: this.tools.dockerd,
      args: [
        '--data-root', p.dataRoot,
        '--exec-root', p.execRoot,
        '--host', `unix://${p.socket}`,
        '--pidfile', p.pidfile,
        '--storage-driver', 'overlay2',
        // Nothing on the host's firewall or forwarding changes: containers only talk to the host.
        '--iptables=false', '--ip-forward=false', '--ip-masq=false',
        ...this.args,
      ],
      dir: this.dir,
      env: { PATH: this.env.PATH },
      ready: () => ping(p.socket),
      readyTimeoutMs: 30_000,
    });
  }

  async stop(): Promise<void> {
    const daemon = this.daemon;
    this.daemon = undefined;
    await daemon?.stop(30_000);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async close(): Promise<void> {
    try {
      if (this.daemon !== undefined) await removeAllContainers(this);
    } finally {
      try {
        await this.stop();
        await removeBridge(this.paths, this.tools.ip);
      } finally {
        await this.lock.release();
        engineInThisProcess = false;
      }
    }
  }
}

/** GET /_ping over the unix socket: true once the API answers OK. */
function ping(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', timeout: 1000 }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode === 200));
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(false));
    req.end();
  });
}

async function bridgeAddress(ip: string): Promise<string | null> {
  const r = await runCli(ip, ['-4', '-o', 'addr', 'show', 'dev', BRIDGE]);
  return /\binet (\d+\.\d+\.\d+\.\d+)\//.exec(r.stdout.toString())?.[1] ?? null;
}

async function removeAllContainers(engine: Dockerd): Promise<void> {
  const ids = (await engine.dockerOk(['ps', '-aq'])).split('\n').filter(Boolean);
  if (ids.length > 0) await engine.dockerOk(['rm', '-f', ...ids]);
}

/** What machine.md says a stopped dockerd leaves: the netns mount and docker0. */
async function removeBridge(paths: EnginePaths, ip: string): Promise<void> {
  const netns = join(paths.execRoot, 'netns', 'default');
  if (readFileSync('/proc/mounts', 'utf8').split('\n').some((l) => l.split(' ')[1] === netns)) {
    const r = await runCli(requireTool('umount', 'mount'), [netns]);
    if (r.code !== 0) throw new Error(`umount ${netns}: ${r.stderr.toString().trim()}`);
  }
  // Only a bridge this harness's engine made: never another engine's.
  if (existsSync(paths.bridgeMarker) && (await runCli(ip, ['link', 'show', 'dev', BRIDGE])).code === 0) {
    const r = await runCli(ip, ['link', 'del', BRIDGE]);
    if (r.code !== 0) throw new Error(`ip link del ${BRIDGE}: ${r.stderr.toString().trim()}`);
  }
  rmSync(paths.bridgeMarker, { force: true });
}

/**
 * With the lock held no other test file runs the engine, so a live dockerd on our pidfile was
 * orphaned by a run that was killed: stop it, and clean up after it. A docker0 that is not ours
 * belongs to another Docker engine on this machine, which the tests must not disturb.
 */
async function removeLeftovers(paths: EnginePaths, ip: string): Promise<void> {
  const pid = existsSync(paths.pidfile) ? Number(readFileSync(paths.pidfile, 'utf8').trim()) : NaN;
  if (Number.isInteger(pid) && pid > 0 && processName(pid) === 'dockerd') {
    process.kill(pid, 'SIGTERM');
    await waitFor(`the orphaned dockerd ${pid} to exit`, () => processName(pid) !== 'dockerd', 60_000, 100).catch(() => {
      process.kill(pid, 'SIGKILL');
    });
  }
  await removeBridge(paths, ip);
  if ((await runCli(ip, ['link', 'show', 'dev', BRIDGE])).code === 0) {
    throw new Error(`${BRIDGE} exists and is not the test engine's: stop the other Docker engine on this machine first`);
  }
}

function processName(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return null;
  }
}

interface Lock {
  release(): Promise<void>;
}

/**
 * An exclusive flock(2) on PATH, held by a `flock` child for as long as its stdin stays open:
 * the kernel releases it when the child ends, and the child ends when this process does (even
 * killed), so a crashed test file never leaves the engine locked.
 */
async function takeLock(path: string, timeoutMs: number): Promise<Lock> {
  const flock = requireTool('flock', 'util-linux');
  const child: ChildProcess = spawn(flock, ['--exclusive', '--wait', String(Math.ceil(timeoutMs / 1000)), path, 'sh', '-c', 'echo locked; exec cat >/dev/null'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const locked = await new Promise<boolean>((resolve) => {
    child.stdout?.once('data', () => resolve(true));
    void exited.then(() => resolve(false));
  });
  if (!locked) {
    const code = await exited;
    throw new Error(
      code === 1
        ? `another test file kept the Docker test engine (${path}) for more than ${timeoutMs} ms`
        : `could not lock ${path}: ${stderr.trim() || `flock exited ${code}`}`,
    );
  }
  return {
    async release() {
      child.stdin?.end();
      await exited;
    },
  };
}
