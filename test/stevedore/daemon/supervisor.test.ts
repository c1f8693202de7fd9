import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { SignalHandlers } from '../../../src/stevedore/process/signal-inbox.js';
import { syslogWarning } from '../../../src/stevedore/logging/syslog.js';
import { supervise } from '../../../src/stevedore/process/supervisor.js';
import { STEVEDORE } from '../../harness/built.js';
import { FakeTime } from '../../harness/fake-time.js';
import { freePort } from '../../harness/free-port.js';
import { processAlive } from '../../harness/process-alive.js';
import { runCli } from '../../harness/run-cli.js';
import { startStevedore } from '../../harness/stevedore.js';
import { tempDir, type TempDir } from '../../harness/temp-dir.js';
import { waitFor } from '../../harness/wait-for.js';


describe('the supervisor', { timeout: 60_000 }, () => {
  let dir: TempDir;
  beforeEach(() => (dir = tempDir('supervisor')));
  afterEach(() => dir.remove());

  test('a worker killed with SIGKILL is restarted, and serves its saved state again', async () => {
    const s = await startStevedore(dir, `service DB; state-file ${dir.file('state.json')};`, { args: [] });
    try {
      assert.equal(await s.post({ service: 'DB', hostname: 'c1', exitCode: 0 }), 204);
      const { process: worker } = (await s.get('/v1/health')).body as { process: { pid: number } };
      assert.notEqual(worker.pid, s.process.pid, 'a worker process serves, not the supervisor');
      await waitFor('the state file', () => existsSync(dir.file('state.json')), 15_000);
      process.kill(worker.pid, 'SIGKILL');
      const restarted = await waitFor('a new worker', async () => {
        const health = await s.get('/v1/health');
        const pid = (health.body as { process: { pid: number } }).process.pid;
        return pid !== worker.pid ? pid : false;
      });
      assert.ok(processAlive(restarted));
      const db = (await s.get('/v1/services/DB')).body as { instances: { hostname: string }[] };
      assert.deepEqual(db.instances.map((i) => i.hostname), ['c1']);
      assert.ok(s.logLines().some((l) => /stevedore worker killed by SIGKILL: restarting in \d+ ms/.test(String(l.msg))));
    } finally {
      assert.equal((await s.process.stop()).code, 0, 'SIGTERM to the supervisor stops the worker and exits 0');
    }
  });

  test('a supervisor killed with SIGKILL takes its worker with it: nothing is left holding the port', async () => {
    const s = await startStevedore(dir, 'service DB;', { args: [] });
    const { process: worker } = (await s.get('/v1/health')).body as { process: { pid: number } };
    s.process.child.kill('SIGKILL');
    await s.process.stop();
    await waitFor('the orphaned worker to stop', () => !processAlive(worker.pid), 10_000);
  });

  /** A supervisor of a worker that exits 3 at once, on time the test moves: each restart waits for `advance`. */
  const crashLoop = (policy: { backoffMs: () => number; maxCrashes: number; windowMs: number }) => {
    const crasher = dir.file('crash.mjs');
    writeFileSync(crasher, 'process.exit(3);\n');
    const lines: string[] = [];
    const log = pino({ level: 'debug' }, new Writable({ write: (c: Buffer, _e, done) => (lines.push(c.toString()), done()) }));
    const time = new FakeTime();
    const told: string[] = [];
    let handlers: SignalHandlers | undefined;
    const done = supervise([crasher], log, { ready: () => {}, fatal: (m) => told.push(m) }, { attach: (h) => (handlers = h) }, { policy, time });
    let ended = false;
    void done.then(() => (ended = true));
    return {
      done,
      lines,
      told,
      stop: () => handlers!.stop('SIGTERM'),
      /** Waits until the worker has crashed and its restart is due, then lets the backoff pass. */
      async nextRestart(): Promise<void> {
        await waitFor('the worker to crash and a restart to be scheduled', () => time.pending === 1);
        time.advance(policy.backoffMs());
      },
      /** Waits until the worker has crashed; then either a restart is due or the supervisor gave up. */
      crashed: () => waitFor('the worker to crash', () => time.pending === 1 || ended),
    };
  };

  test('a worker told to stop that says it is ready on its way out is not restarted: status 0', async () => {
    const worker = dir.file('late-ready.mjs');
    const listening = dir.file('listening');
    // As a worker that got to 'ready' just as SIGTERM came: the message reaches the supervisor after the stop.
    writeFileSync(
      worker,
      `import { writeFileSync } from 'node:fs';\nprocess.on('SIGTERM', () => process.send({ type: 'ready' }, () => process.exit(0)));\nwriteFileSync(${JSON.stringify(listening)}, '');\nsetInterval(() => {}, 1000);\n`,
    );
    const lines: string[] = [];
    const log = pino({ level: 'debug' }, new Writable({ write: (c: Buffer, _e, done) => (lines.push(c.toString()), done()) }));
    let handlers: SignalHandlers | undefined;
    let told = false;
    const done = supervise([worker], log, { ready: () => (told = true), fatal: () => {} }, { attach: (h) => (handlers = h) }, { time: new FakeTime() });
    await waitFor('the worker to take SIGTERM', () => existsSync(listening));
    handlers!.stop('SIGTERM');
    assert.equal(await done, 0);
    assert.ok(!lines.some((l) => /restarting in/.test(l)), lines.join(''));
    assert.equal(told, false, 'a stopping stevedore is not reported ready');
  });

  test('SIGHUPs while the worker starts wait until it serves: one reload then, and the worker is not killed', async () => {
    const worker = dir.file('slow-start.mjs');
    const [started, go, reloads] = [dir.file('started'), dir.file('go'), dir.file('reloads')];
    // As a worker still starting: until it says it is ready, a SIGHUP has its default action and kills it.
    writeFileSync(
      worker,
      `import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
writeFileSync(${JSON.stringify(started)}, '');
const wait = setInterval(() => {
  if (!existsSync(${JSON.stringify(go)})) return;
  clearInterval(wait);
  process.on('SIGHUP', () => appendFileSync(${JSON.stringify(reloads)}, 'reload\\n'));
  process.on('SIGTERM', () => process.exit(0));
  process.send({ type: 'ready' });
  setInterval(() => {}, 1000);
}, 10);
`,
    );
    const lines: string[] = [];
    const log = pino({ level: 'debug' }, new Writable({ write: (c: Buffer, _e, done) => (lines.push(c.toString()), done()) }));
    let handlers: SignalHandlers | undefined;
    const done = supervise([worker], log, { ready: () => {}, fatal: () => {} }, { attach: (h) => (handlers = h) }, { time: new FakeTime() });
    await waitFor('the worker to start', () => existsSync(started));
    for (let i = 0; i < 3; i++) handlers!.reload();
    writeFileSync(go, '');
    await waitFor('the reload the worker was owed', () => existsSync(reloads));
    handlers!.stop('SIGTERM');
    assert.equal(await done, 0);
    assert.equal(readFileSync(reloads, 'utf8'), 'reload\n');
    assert.ok(!lines.some((l) => /killed by SIGHUP|restarting in/.test(l)), lines.join(''));
  });

  test('a worker that keeps crashing: the supervisor gives up with a clear message, restarting it in between', async () => {
    const loop = crashLoop({ backoffMs: () => 1000, maxCrashes: 3, windowMs: 2500 });
    await loop.nextRestart();
    await loop.nextRestart();
    assert.equal(await loop.done, 1);
    assert.match(loop.told.join(), /crashed 3 times/);
    assert.ok(loop.lines.some((l) => /it crashed 3 times within 2.5 s: giving up/.test(l)));
    assert.equal(loop.lines.filter((l) => /restarting in 1000 ms/.test(l)).length, 2);
  });

  test('crashes further apart than the window do not add up: the supervisor keeps restarting, and stops when told', async () => {
    const loop = crashLoop({ backoffMs: () => 1000, maxCrashes: 3, windowMs: 1500 });
    for (let restart = 0; restart < 4; restart++) await loop.nextRestart();
    await loop.crashed();
    assert.ok(!loop.lines.some((l) => /giving up/.test(l)), loop.lines.join(''));
    loop.stop();
    assert.equal(await loop.done, 0);
    assert.equal(loop.lines.filter((l) => /restarting in 1000 ms/.test(l)).length, 5);
    assert.deepEqual(loop.told, []);
  });
});

describe('without -F: in the background', { timeout: 60_000 }, () => {
  let dir: TempDir;
  beforeEach(() => (dir = tempDir('detach')));
  afterEach(() => dir.remove());

  test('returns 0 once the daemon serves; the pidfile names it; SIGTERM stops it and removes the pidfile', async () => {
    const [port, readPort] = [await freePort(), await freePort()];
    const conf = dir.file('bg.conf');
    const pidfile = dir.file('stevedore.pid');
    writeFileSync(conf, `service DB; listen 127.0.0.1:${port}; http-listen 127.0.0.1:${readPort}; agentx-socket none; pidfile ${pidfile};`);
    const r = await runCli(process.execPath, [STEVEDORE, '-f', conf], {});
    assert.equal(r.code, 0, r.stderr.toString());
    assert.match(r.stderr.toString(), /without 'syslog yes;': its log goes nowhere/);
    const pid = Number(readFileSync(pidfile, 'utf8'));
    assert.match(r.stderr.toString(), new RegExp(`^stevedore: started, pid ${pid}$`, 'm'), 'the terminal is told the pid before the command returns');
    try {
      const res = await fetch(`http://127.0.0.1:${readPort}/v1/health`);
      assert.equal(res.status, 200);
      const again = await runCli(process.execPath, [STEVEDORE, '-F', '-f', conf], {});
      assert.equal(again.code, 1);
      assert.match(again.stdout.toString(), new RegExp(`already running as pid ${pid}`));
    } finally {
      process.kill(pid, 'SIGTERM');
      await waitFor('the daemon to stop', () => !processAlive(pid));
    }
    assert.equal(existsSync(pidfile), false);
  });

  test('a start-up failure is reported on the terminal, status 1', async () => {
    const blocker = await startStevedore(dir, 'service DB;', { name: 'blocker' });
    try {
      const conf = dir.file('bg.conf');
      writeFileSync(conf, `service DB; listen 127.0.0.1:${blocker.port}; http-listen none; agentx-socket none; syslog yes;`);
      const r = await runCli(process.execPath, [STEVEDORE, '-f', conf], {});
      assert.equal(r.code, 1);
      assert.match(r.stderr.toString(), new RegExp(`^stevedore: cannot listen on 127\\.0\\.0\\.1:${blocker.port} \\(listen at ${conf}:1\\): address in use`, 'm'));
      // 'syslog yes' on a host whose /dev/log takes nothing: the terminal is told, whatever else fails.
      const warning = await syslogWarning();
      assert.equal(r.stderr.toString().includes(warning ?? "'syslog yes;' but"), warning !== null, r.stderr.toString());
    } finally {
      await blocker.process.stop();
    }
  });
});
