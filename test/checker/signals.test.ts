import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { CHECKER } from '../harness/built.js';
import { freePort } from '../harness/free-port.js';
import { startCli } from '../harness/run-cli.js';
import { tempDir, type TempDir } from '../harness/temp-dir.js';
import { waitFor } from '../harness/wait-for.js';

describe('checker and signals that come while it starts', { timeout: 60_000 }, () => {
  let dir: TempDir;
  let dockerd: Server;
  /** Connections to the Docker socket: accepted, never answered (a dockerd that hangs). */
  const connections: Socket[] = [];
  const socket = () => dir.file('docker.sock');

  before(async () => {
    dir = tempDir('checker-signals');
    dockerd = createServer((c) => void connections.push(c));
    await new Promise<void>((resolve) => dockerd.listen(socket(), resolve));
  });

  after(async () => {
    for (const c of connections) c.destroy();
    await new Promise((resolve) => dockerd.close(resolve));
    dir.remove();
  });

  /** Starts checker, and waits until it has asked Docker something: it is starting. */
  const startWaitingOnDocker = async (args: string[]) => {
    const before = connections.length;
    const run = startCli(process.execPath, [CHECKER, ...args]);
    await waitFor('checker to ask Docker', () => connections.length > before);
    return run;
  };

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    test(`monitor: ${signal} while it waits on Docker at start-up ends it with status 0, not by the signal`, async () => {
      const run = await startWaitingOnDocker(['monitor', `-docker-socket=${socket()}`, `-etcd-host=127.0.0.1:${await freePort()}`, '-stdout', '-syslog=false', 'web-1']);
      process.kill(run.pid, signal);
      const r = await run.done;
      assert.deepEqual([r.code, r.signal], [0, null], r.stderr.toString());
      assert.match(r.stdout.toString(), new RegExp(`${signal} while starting: no key written, exiting`));
    });
  }

  test('listener: SIGTERM while it waits on Docker ends it with status 0', async () => {
    const run = await startWaitingOnDocker(['listener', `-docker-socket=${socket()}`, `-etcd-host=127.0.0.1:${await freePort()}`, '-stdout', '-syslog=false']);
    process.kill(run.pid, 'SIGTERM');
    const r = await run.done;
    assert.deepEqual([r.code, r.signal], [0, null], r.stderr.toString());
    assert.match(r.stdout.toString(), /SIGTERM: deleting the keys held, then exiting/);
  });

  test('check (a Nagios plugin) is still ended by SIGTERM, as a plugin timeout expects', async () => {
    const run = await startWaitingOnDocker(['check', `-docker-socket=${socket()}`, 'web-1']);
    process.kill(run.pid, 'SIGTERM');
    const r = await run.done;
    assert.deepEqual([r.code, r.signal], [null, 'SIGTERM']);
  });
});
