import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { ROOT } from '../../harness/built.js';
import { freePort } from '../../harness/free-port.js';
import { startProcess } from '../../harness/managed-process.js';
import { requireTool } from '../../harness/require-tool.js';
import { runCli } from '../../harness/run-cli.js';
import { tempDir, type TempDir } from '../../harness/temp-dir.js';

/** `text` with each `from` replaced, failing when one is not there (the example has changed). */
function replaced(text: string, pairs: readonly [string, string][]): string {
  return pairs.reduce((t, [from, to]) => {
    assert.ok(t.includes(from), `the example configuration no longer says ${from}`);
    return t.replace(from, to);
  }, text);
}

/** The uid of a user, from /etc/passwd, or null. */
function uidOf(name: string): number | null {
  const entry = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
  return entry === undefined ? null : Number(entry.split(':')[2]);
}

describe('installed as a service (README "Install as a service")', { timeout: 120_000 }, () => {
  let dir: TempDir;
  let prefix: string;
  let createdUser = false;

  before(async () => {
    dir = tempDir('install');
    // The worker, as user stevedore, must get through to its state directory.
    chmodSync(dir.path, 0o755);
    const packed = await runCli('npm', ['pack', '--pack-destination', dir.path], { cwd: ROOT });
    assert.equal(packed.code, 0, packed.stderr.toString());
    prefix = dir.file('prefix');
    const installed = await runCli('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', dir.file('tallyman-0.1.0.tgz')], { cwd: dir.path });
    assert.equal(installed.code, 0, installed.stderr.toString());
    if (uidOf('stevedore') === null) {
      const added = await runCli(requireTool('useradd', 'passwd'), ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'stevedore']);
      assert.equal(added.code, 0, added.stderr.toString());
      createdUser = true;
    }
  });

  after(async () => {
    if (createdUser) await runCli(requireTool('userdel', 'passwd'), ['stevedore']);
    dir.remove();
  });

  test('stevedore, tallyman and checker are on the PATH of the prefix, and run', async () => {
    for (const [program, args, says] of [
      ['stevedore', ['--version'], /^stevedore \d+\.\d+\.\d+\n$/],
      ['tallyman', ['--help'], /^usage: tallyman /],
      ['checker', ['--help'], /^usage: checker /],
    ] as const) {
      const r = await runCli(`${prefix}/bin/${program}`, args);
      assert.match(r.stdout.toString(), says, `${program}: ${r.stderr.toString()}`);
    }
  });

  test('the MIB, the example configuration, the unit and the README are where the README says', () => {
    for (const file of ['mib/TALLYMAN-MIB.txt', 'mib/ietf/SNMPv2-SMI.txt', 'conf/stevedore.conf', 'conf/example-services.conf', 'conf/stevedore.service', 'README.md']) {
      assert.ok(existsSync(`${prefix}/lib/node_modules/tallyman/${file}`), file);
    }
  });

  test('the systemd unit passes systemd-analyze verify', async () => {
    const analyze = requireTool('systemd-analyze', 'systemd');
    const r = await runCli(analyze, ['verify', `${prefix}/lib/node_modules/tallyman/conf/stevedore.service`]);
    assert.equal(r.stderr.toString(), '');
    assert.equal(r.code, 0);
  });

  // stevedore checks at start that its user can write the state file's directory (and refuses
  // to start when not): serving is the proof that the state directory's owner is right.
  test('the installed example configuration runs as the unit runs it: the worker as stevedore, the pidfile removed', async () => {
    requireTool('m4', 'm4');
    const conf = `${prefix}/lib/node_modules/tallyman/conf`;
    const [port, readPort, snmpPort] = [await freePort(), await freePort(), await freePort()];
    const state = dir.file('state');
    mkdirSync(state);
    chownSync(state, uidOf('stevedore')!, uidOf('stevedore')!);
    const pidfile = dir.file('stevedore.pid');
    // Only addresses and paths change: private ports, and files of this test's directory.
    writeFileSync(
      `${conf}/test.conf`,
      replaced(readFileSync(`${conf}/stevedore.conf`, 'utf8'), [
        ["m4_define(`COLLECTOR_PORT', `8990')", `m4_define(\`COLLECTOR_PORT', \`${port}')`],
        ['listen [::1]:COLLECTOR_PORT;', `listen [::1]:${await freePort('::1')};`],
        ['snmp-listen 127.0.0.1:16161;', `snmp-listen 127.0.0.1:${snmpPort};`],
        ['http-listen 127.0.0.1:8991;', `http-listen 127.0.0.1:${readPort};`],
        ['/var/lib/stevedore/registry.json', `${state}/registry.json`],
        ['/run/stevedore.pid', pidfile],
        ['unix:/var/agentx/master', `unix:${dir.file('agentx')}`],
        ['/var/run/docker.sock', dir.file('docker.sock')],
      ]),
    );
    // Reads are on the read listener, with the example's bearer token.
    const url = `http://127.0.0.1:${readPort}`;
    const token = /^http-token (\S+);/m.exec(readFileSync(`${conf}/stevedore.conf`, 'utf8'))?.[1];
    assert.ok(token, 'the example sets http-token');
    const read = (path: string): Promise<Response> => fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const s = await startProcess({
      name: 'installed',
      command: `${prefix}/bin/stevedore`,
      args: ['-F', '-f', `${conf}/test.conf`],
      dir: dir.path,
      ready: async () => (await read('/v1/health')).ok,
    });
    let worker: number;
    try {
      worker = ((await (await read('/v1/health')).json()) as { process: { pid: number } }).process.pid;
      const uid = Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${worker}/status`, 'utf8'))?.[1]);
      assert.equal(uid, uidOf('stevedore'));
      assert.equal(Number(readFileSync(pidfile, 'utf8')), s.pid);
    } finally {
      assert.deepEqual(await s.stop(), { code: 0, signal: null }, s.log());
    }
    assert.equal(existsSync(pidfile), false);
    assert.ok(!/pidfile .* left behind/.test(s.log()), s.log());
  });
});
