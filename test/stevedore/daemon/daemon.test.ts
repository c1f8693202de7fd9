import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { STEVEDORE, TALLYMAN } from '../../harness/built.js';
import { catchesSignal } from '../../harness/catches-signal.js';
import { freePort } from '../../harness/free-port.js';
import { processAlive } from '../../harness/process-alive.js';
import { runCli, startCli } from '../../harness/run-cli.js';
import { startProcess } from '../../harness/managed-process.js';
import { startStevedore } from '../../harness/stevedore.js';
import { tempDir, type TempDir } from '../../harness/temp-dir.js';
import { waitFor } from '../../harness/wait-for.js';

type Service = { name: string; state: string; instances?: { hostname: string; state: string; reports: number }[] };

describe('stevedore as a daemon', { timeout: 60_000 }, () => {
  let dir: TempDir;
  beforeEach(() => (dir = tempDir('daemon')));
  afterEach(() => dir.remove());

  test('a report sent with tallyman and one with plain JSON are read back; SIGTERM stops it with status 0', async () => {
    const s = await startStevedore(dir, 'service DB;');
    try {
      const t = await runCli(TALLYMAN, ['-s', `127.0.0.1:${s.port}`, '-h', 'c1', 'DB', 'sh', '-c', 'echo up'], {});
      assert.equal(t.code, 0, t.stderr.toString());
      assert.equal(await s.post({ service: 'DB', hostname: 'c2', exitCode: 1 }), 204);
      const db = (await s.get('/v1/services/DB')).body as Service & { instances: { hostname: string; state: string; stdout?: string }[] };
      assert.equal(db.state, 'degraded');
      assert.deepEqual(db.instances.map((i) => [i.hostname, i.state]), [['c1', 'ok'], ['c2', 'failing']]);
    } finally {
      assert.deepEqual(await s.process.stop(), { code: 0, signal: null });
    }
    const lines = s.logLines().map((l) => l.msg);
    assert.ok(lines.includes('instance DB/c2 appeared: failing'), lines.join('\n'));
    assert.ok(lines.includes('service DB: unknown -> ok'));
    assert.ok(lines.includes('service DB: ok -> degraded'));
    assert.ok(lines.includes('stopped'));
  });

  test('a restart keeps the state: instances, counters and states', async () => {
    const conf = `service DB; state-file ${dir.file('state.json')};`;
    const first = await startStevedore(dir, conf);
    for (const exitCode of [0, 1, 1]) assert.equal(await first.post({ service: 'DB', hostname: 'c1', exitCode }), 204);
    await first.process.stop();
    assert.ok(existsSync(dir.file('state.json')), 'the state file is written at shutdown');
    const second = await startStevedore(dir, conf, { port: first.port });
    try {
      const db = (await second.get('/v1/services/DB')).body as { state: string; instances: { hostname: string; state: string; reports: number; failures: number; consecutiveFailures: number }[] };
      assert.equal(db.state, 'failing');
      assert.deepEqual(db.instances.map((i) => [i.hostname, i.state, i.reports, i.failures, i.consecutiveFailures]), [['c1', 'failing', 3, 2, 2]]);
      const health = (await second.get('/v1/health')).body as { reportsAccepted: number };
      assert.equal(health.reportsAccepted, 3);
    } finally {
      await second.process.stop();
    }
  });

  test('a corrupt state file is logged and moved aside, and stevedore starts empty', async () => {
    writeFileSync(dir.file('state.json'), '{"format":"stevedore-state","version":1,"services":[{"name":');
    const s = await startStevedore(dir, `service DB; state-file ${dir.file('state.json')};`);
    try {
      const db = (await s.get('/v1/services/DB')).body as { state: string };
      assert.equal(db.state, 'unknown');
      const aside = readdirSync(dir.path).filter((f) => f.startsWith('state.json.unusable-'));
      assert.equal(aside.length, 1);
      assert.ok(s.logLines().some((l) => /state file .* cannot be used \(not JSON/.test(String(l.msg))));
      assert.equal(await s.post({ service: 'DB', hostname: 'c1', exitCode: 0 }), 204);
    } finally {
      await s.process.stop();
    }
  });

  test('SIGHUP reloads: new services appear, removed ones vanish, instances of kept ones stay', async () => {
    const s = await startStevedore(dir, 'service DB; service web;');
    try {
      await s.post({ service: 'DB', hostname: 'c1', exitCode: 0 });
      await s.post({ service: 'web', hostname: 'w1', exitCode: 0 });
      s.rewrite('service DB; service cache;');
      process.kill(s.process.pid, 'SIGHUP');
      await waitFor('the reload', async () => ((await s.get('/v1/services')).body as Service[]).some((x) => x.name === 'cache'));
      const services = (await s.get('/v1/services')).body as Service[];
      assert.deepEqual(services.map((x) => x.name), ['DB', 'cache']);
      const db = (await s.get('/v1/services/DB')).body as Service;
      assert.deepEqual(db.instances!.map((i) => i.hostname), ['c1']);
      assert.equal(await s.post({ service: 'web', hostname: 'w1', exitCode: 0 }), 404);
    } finally {
      await s.process.stop();
    }
  });

  test('SIGHUP with a broken configuration is refused, and the running one stays', async () => {
    const s = await startStevedore(dir, 'service DB;');
    try {
      s.rewrite('service DB;\nservce web;\n');
      process.kill(s.process.pid, 'SIGHUP');
      await waitFor('the refusal in the log', () => s.logLines().some((l) => String(l.msg).startsWith('configuration reload refused')));
      assert.ok(s.logLines().some((l) => /stevedore\.conf:\d+:\d+: unknown statement 'servce' \(did you mean 'service'\?\)/.test(String(l.msg))), s.process.log());
      assert.equal(await s.post({ service: 'DB', hostname: 'c1', exitCode: 0 }), 204);
    } finally {
      assert.equal((await s.process.stop()).code, 0);
    }
  });

  test('SIGTERM during a reload that hangs: stevedore stops at once, status 0, state written', async () => {
    const [hang, pidFile, state] = [dir.file('hang'), dir.file('sleep.pid'), dir.file('state.json')];
    // Reads the file with cat, unless told to hang (in a child, as m4_syscmd would).
    const preprocessor = `test -e ${hang} && sh -c 'echo $$ > ${pidFile}; exec sleep 1000'; cat`;
    const s = await startStevedore(dir, `service DB; state-file ${state};`, { args: ['-s', `--preprocessor=${preprocessor}`] });
    let stopped;
    try {
      assert.equal(await s.post({ service: 'DB', hostname: 'c1', exitCode: 0 }), 204);
      writeFileSync(hang, '');
      process.kill(s.process.pid, 'SIGHUP');
      const pid = await waitFor('the reload to hang', () => existsSync(pidFile) && Number(readFileSync(pidFile, 'utf8')));
      assert.equal(await s.post({ service: 'DB', hostname: 'c2', exitCode: 1 }), 204, 'it serves during the reload');
      stopped = await s.process.stop(10_000);
      await waitFor(`the preprocessor's sleep (pid ${pid}) to be gone`, () => !processAlive(pid));
    } finally {
      stopped ??= await s.process.stop();
    }
    assert.deepEqual(stopped, { code: 0, signal: null }, s.process.log());
    const saved = JSON.stringify(JSON.parse(readFileSync(state, 'utf8')));
    assert.ok(saved.includes('"c1"') && saved.includes('"c2"'), saved);
  });

  test('several listen addresses, IPv6 among them', async () => {
    const [a, b] = [await freePort(), await freePort('::1')];
    const s = await startStevedore(dir, `service DB; listen 127.0.0.1:${a}; listen [::1]:${b};`, { port: a });
    try {
      const res = await fetch(`http://[::1]:${b}/v1/report`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ service: 'DB', hostname: 'v6', exitCode: 0 }) });
      assert.equal(res.status, 204);
      const db = (await s.get('/v1/services/DB')).body as { instances: { hostname: string; address: string }[] };
      assert.deepEqual(db.instances.map((i) => [i.hostname, i.address]), [['v6', '::1']]);
    } finally {
      await s.process.stop();
    }
  });

  test('a port already in use: the error names the statement, file and line; status 1, no restart loop', async () => {
    const s = await startStevedore(dir, 'service DB;');
    try {
      const conf = dir.file('second.conf');
      writeFileSync(conf, `service DB;\nagentx-socket none;\nlisten 127.0.0.1:${s.port};\nhttp-listen none;\n`);
      const r = await runCli(process.execPath, [STEVEDORE, '-F', '-f', conf], {});
      assert.equal(r.code, 1);
      assert.ok(
        (r.stdout.toString() + r.stderr.toString()).includes(`cannot listen on 127.0.0.1:${s.port} (listen at ${conf}:3): address in use; choose another port or stop the program holding it`),
        r.stdout.toString() + r.stderr.toString(),
      );
    } finally {
      await s.process.stop();
    }
  });

  test('the start-up lines name every endpoint; an AgentX master that is not there is explained once, then retried quietly', async () => {
    const snmpPort = await freePort();
    const master = dir.file('agentx-master');
    const s = await startStevedore(dir, `service DB; snmp-listen 127.0.0.1:${snmpPort}; agentx-socket ${master};`, { args: ['-s', '-d'] });
    try {
      const unreachable = (l: Record<string, unknown>): boolean => String(l.msg).startsWith('cannot reach the AgentX master agent');
      await waitFor('three attempts at the AgentX master', () => s.logLines().filter(unreachable).length >= 3, 15_000);
      const lines = s.logLines();
      const messages = lines.map((l) => String(l.msg));
      for (const line of [
        `collector: 127.0.0.1:${s.port} (tallyman reports: POST /v1/report)`,
        `embedded SNMP agent: udp:127.0.0.1:${snmpPort} (TALLYMAN-MIB for the NMS)`,
        `AgentX master agent: unix:${master} (snmpd, serving TALLYMAN-MIB for stevedore)`,
        `read listener: 127.0.0.1:${s.readPort} (the status page (GET /), the JSON API, /metrics, /v1/events)`,
        'Docker: off (docker-socket turns it on)',
        'etcd: off (etcd-endpoints turns it on)',
        'cluster: off (cluster-name turns it on)',
      ]) {
        assert.equal(messages.filter((m) => m === line).length, 1, `${line}\n${messages.join('\n')}`);
      }
      const explained = lines.filter(unreachable);
      assert.deepEqual(
        explained.map((l) => l.level),
        [40, ...explained.slice(1).map(() => 20)],
        'warn once, then debug',
      );
      assert.match(String(explained[0]!.msg), new RegExp(`\\(connect ENOENT ${master}\\): snmpd needs 'master agentx' and 'agentXSocket unix:${master}' in snmpd.conf; retrying quietly$`));
    } finally {
      await s.process.stop();
    }
  });

  test('an SNMP port already in use: the error names snmp-listen, its file and line, on the terminal of a background start', async () => {
    const holder = createSocket('udp4');
    await new Promise<void>((resolve) => holder.bind(0, '127.0.0.1', resolve));
    try {
      const snmpPort = holder.address().port;
      const conf = dir.file('snmp.conf');
      writeFileSync(conf, `service DB;\nagentx-socket none;\nlisten 127.0.0.1:${await freePort()};\n\nsnmp-listen 127.0.0.1:${snmpPort};\n`);
      const r = await runCli(process.execPath, [STEVEDORE, '-f', conf], {});
      assert.equal(r.code, 1);
      assert.equal(
        r.stderr.toString().split('\n').filter((l) => l.includes('cannot listen')).join('\n'),
        `stevedore: cannot listen on 127.0.0.1:${snmpPort} (snmp-listen at ${conf}:5): address in use; choose another port or stop the program holding it`,
      );
    } finally {
      holder.close();
    }
  });

  test('user and group: the collector runs unprivileged once the socket is bound', async () => {
    const s = await startStevedore(dir, 'service DB; user nobody; group nogroup;');
    try {
      const status = readFileSync(`/proc/${s.process.pid}/status`, 'utf8');
      const uid = /^Uid:\s+(\d+)/m.exec(status)?.[1];
      assert.equal(uid, String(Number(readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('nobody:'))!.split(':')[2])));
      assert.equal(await s.post({ service: 'DB', hostname: 'c1', exitCode: 0 }), 204);
    } finally {
      await s.process.stop();
    }
  });

  describe('signals during start-up', () => {
    test('SIGHUP while starting: stevedore starts, then reloads', async () => {
      const [port, readPort] = [await freePort(), await freePort()];
      writeFileSync(dir.file('slow.conf'), `service DB; listen 127.0.0.1:${port}; http-listen 127.0.0.1:${readPort}; agentx-socket none;`);
      // The first load signs its start, then takes a second: the window the SIGHUP aims at.
      const slow = `test -e ${dir.file('loading')} || { touch ${dir.file('loading')}; sleep 1; }; cat`;
      const s = await startProcess({
        name: 'slow',
        command: process.execPath,
        args: [STEVEDORE, '-F', '-s', `--preprocessor=${slow}`, '-f', dir.file('slow.conf')],
        dir: dir.path,
        ready: () => existsSync(dir.file('loading')),
      });
      try {
        process.kill(s.pid, 'SIGHUP');
        await waitFor('it to serve, then reload', () => s.log().includes('configuration reloaded'), 15_000);
        assert.ok((await fetch(`http://127.0.0.1:${readPort}/v1/health`)).ok);
      } finally {
        assert.deepEqual(await s.stop(), { code: 0, signal: null });
      }
    });

    /** A configuration of its own ports, and the read port. */
    const ownPorts = async (name: string): Promise<{ conf: string; readPort: number }> => {
      const [port, readPort] = [await freePort(), await freePort()];
      const conf = dir.file(name);
      writeFileSync(conf, `service DB; listen 127.0.0.1:${port}; http-listen 127.0.0.1:${readPort}; agentx-socket none; state-file ${dir.file(`${name}.state`)};`);
      return { conf, readPort };
    };
    /**
     * Sends `signal` to `pid` from the first moment stevedore takes its signals (SIGHUP, the last
     * it takes at its first line), every few ms, until `until` holds; how many it sent.
     */
    const pelt = async (pid: number, signal: NodeJS.Signals, until: () => boolean): Promise<number> => {
      await waitFor('stevedore to take its signals', () => catchesSignal(pid, 'SIGHUP'), 10_000, 1);
      let sent = 0;
      while (!until()) {
        process.kill(pid, signal);
        sent++;
        await sleep(5);
      }
      return sent;
    };
    const startedAlone = (name: string, conf: string, args: readonly string[] = ['-s']) =>
      startProcess({ name, command: process.execPath, args: [STEVEDORE, '-F', ...args, '-f', conf], dir: dir.path, ready: () => true });

    test('SIGTERM or SIGINT again and again from the first moment stevedore can take it: it stops with status 0, never by the signal', async () => {
      for (const signal of ['SIGTERM', 'SIGINT'] as const) {
        const { conf } = await ownPorts(`pelt-${signal}.conf`);
        const s = await startedAlone(`pelt-${signal}`, conf);
        try {
          // Until it says it stops: what comes after that is no longer start-up.
          assert.ok((await pelt(s.pid, signal, () => /stopp/.test(s.log()))) > 0);
        } finally {
          assert.deepEqual(await s.stop(), { code: 0, signal: null }, s.log());
        }
      }
    });

    test('SIGHUP again and again while stevedore starts: it serves, reloads, and stops with status 0', async () => {
      const { conf, readPort } = await ownPorts('pelt-SIGHUP.conf');
      const s = await startedAlone('pelt-SIGHUP', conf);
      let serving = false;
      const probe = setInterval(() => void fetch(`http://127.0.0.1:${readPort}/v1/health`).then((r) => (serving ||= r.ok), () => {}), 20);
      try {
        assert.ok((await pelt(s.pid, 'SIGHUP', () => serving)) > 0);
        await waitFor('a reload', () => s.log().includes('configuration reloaded'));
      } finally {
        clearInterval(probe);
        assert.deepEqual(await s.stop(), { code: 0, signal: null });
      }
    });

    test('under the supervisor (as the systemd unit runs it), a SIGHUP as the worker starts does not kill the worker: it reloads once serving', async () => {
      const { conf, readPort } = await ownPorts('supervised.conf');
      const s = await startedAlone('supervised', conf, []);
      try {
        // The supervisor's children: its preprocessor (m4) first, then the worker, once it runs
        // (a child not yet exec'ed still shows the supervisor's command line and environment).
        const worker = () =>
          readFileSync(`/proc/${s.pid}/task/${s.pid}/children`, 'utf8').split(' ').filter(Boolean).some((pid) => {
            try {
              return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes('STEVEDORE_ROLE=worker');
            } catch {
              return false;
            }
          });
        await waitFor('the supervisor to start its worker', worker, 10_000, 1);
        process.kill(s.pid, 'SIGHUP');
        await waitFor('the worker to serve, then reload', () => s.log().includes('configuration reloaded'), 15_000);
        assert.ok((await fetch(`http://127.0.0.1:${readPort}/v1/health`)).ok);
        assert.doesNotMatch(s.log(), /killed by SIGHUP|restarting in/);
      } finally {
        assert.deepEqual(await s.stop(), { code: 0, signal: null });
      }
    });

    test('SIGTERM or SIGINT during a start-up load that hangs: stevedore exits 0, its state file untouched, the preprocessor\'s children gone', async () => {
      const state = dir.file('state.json');
      const first = await startStevedore(dir, `service DB; state-file ${state};`);
      assert.equal(await first.post({ service: 'DB', hostname: 'c1', exitCode: 0 }), 204);
      await first.process.stop();
      const saved = readFileSync(state, 'utf8');
      writeFileSync(dir.file('hang.conf'), `service DB; listen 127.0.0.1:${await freePort()}; http-listen none; agentx-socket none; state-file ${state};`);
      for (const signal of ['SIGTERM', 'SIGINT'] as const) {
        const pidFile = dir.file(`${signal}.pid`);
        const hang = `sh -c 'echo $$ > ${pidFile}; exec sleep 1000'; cat`;
        const run = startCli(process.execPath, [STEVEDORE, '-F', '-s', `--preprocessor=${hang}`, '-f', dir.file('hang.conf')], { timeout: 30_000, killSignal: 'SIGKILL' });
        const pid = await waitFor('the preprocessor to hang', () => existsSync(pidFile) && Number(readFileSync(pidFile, 'utf8')));
        process.kill(run.pid, signal);
        const r = await run.done;
        assert.deepEqual([r.code, r.signal], [0, null], r.stdout.toString() + r.stderr.toString());
        assert.equal(r.stderr.toString(), `stevedore: ${signal} while reading ${dir.file('hang.conf')}: stopped before serving\n`);
        await waitFor(`the preprocessor's sleep (pid ${pid}) to be gone`, () => !processAlive(pid));
        assert.equal(readFileSync(state, 'utf8'), saved);
      }
    });
  });

  test('with user and a state file its user cannot write, stevedore refuses to start and says why', async () => {
    writeFileSync(dir.file('u.conf'), `service DB; listen 127.0.0.1:${await freePort()}; http-listen none; agentx-socket none; user nobody; group nogroup; state-file ${dir.file('state.json')};`);
    const started = await runCli(process.execPath, [STEVEDORE, '-F', '-s', '-f', dir.file('u.conf')], {});
    assert.equal(started.code, 1);
    assert.match(started.stdout.toString(), /cannot write the state file .*state\.json: EACCES \(its directory must be writable by the user stevedore runs as\)/);
  });
});
