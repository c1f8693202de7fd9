import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CHECKER } from '../harness/built.js';
import { checkerWebImage, plainImage, WEB_PERIOD } from '../harness/checker-images.js';
import { startDockerd, type Dockerd } from '../harness/dockerd.js';
import { startEtcd, type Etcd } from '../harness/etcd.js';
import { runCli, startCli, type CliResult, type CliRun } from '../harness/run-cli.js';
import { tempDir, type TempDir } from '../harness/temp-dir.js';
import { waitFor } from '../harness/wait-for.js';

const TIMEOUT = { timeout: 600_000 };
const CHANGE_MS = 60_000;
const HOST_IP = '192.0.2.7';
const TTL = 2 * WEB_PERIOD + 1;

/** A checker monitor or listener running in the background. */
interface Running {
  run: CliRun;
  signal(name: NodeJS.Signals): void;
}

describe('checker against a real dockerd and a real etcd', TIMEOUT, () => {
  let dir: TempDir;
  let dockerd: Dockerd;
  let etcd: Etcd;
  let web: string;
  let plain: string;
  const running: Running[] = [];

  const checker = (args: string[]): Promise<CliResult> => runCli(process.execPath, [CHECKER, ...args], { env: dockerd.env });
  const start = (args: string[]): Running => {
    const run = startCli(process.execPath, [CHECKER, ...args], { env: dockerd.env });
    const item: Running = { run, signal: (name) => process.kill(run.pid, name) };
    running.push(item);
    return item;
  };
  const serve = (command: string[], extra: string[] = []): string[] => [
    ...command.slice(0, 1), `-etcd-host=${etcd.endpoint}`, '-stdout', '-syslog=false', `-host-ip=${HOST_IP}`, '-loglevel=DEBUG', ...extra, ...command.slice(1),
  ];
  const id = (name: string): Promise<string> => dockerd.inspect(name, '{{.Id}}');
  const keyOf = async (name: string): Promise<string> => `/SERVICE/checker-web/${await id(name)}`;
  const runWeb = (name: string, options: string[] = []): Promise<string> => dockerd.dockerOk(['run', '--detach', '--name', name, ...options, web]);
  const breakWeb = (name: string): Promise<string> => dockerd.dockerOk(['exec', name, 'rm', '/www/ok']);
  const repairWeb = (name: string): Promise<string> => dockerd.dockerOk(['exec', name, 'sh', '-c', 'echo ok > /www/ok']);
  const present = (key: string) => waitFor(`${key} in etcd`, async () => (await etcd.get(key)) !== null, CHANGE_MS, 100);
  const absent = (key: string) => waitFor(`${key} gone from etcd`, async () => (await etcd.get(key)) === null, CHANGE_MS, 100);
  const leftoverChecks = async (): Promise<string> => dockerd.dockerOk(['ps', '-aq', '--filter', 'label=checker.check-of']);

  before(async () => {
    dir = tempDir('checker');
    dockerd = await startDockerd();
    etcd = await startEtcd(dir.path);
    web = await checkerWebImage(dockerd);
    plain = await plainImage(dockerd);
  });

  after(async () => {
    const errors: unknown[] = [];
    for (const item of running) {
      try {
        item.signal('SIGKILL');
      } catch {
        // ended already
      }
    }
    for (const cleanup of [() => etcd?.stop(), () => dockerd?.close()]) await cleanup().catch((e: unknown) => errors.push(e));
    dir?.remove();
    if (errors.length > 0) throw new AggregateError(errors, 'cleanup failed');
  });

  test('check: OK for a healthy container, CRITICAL with the exit status and first line when its check fails', async () => {
    await runWeb('check-web');
    const ok = await checker(['check', 'check-web']);
    assert.equal(ok.code, 0, ok.stdout.toString());
    const ip = await dockerd.inspect('check-web', '{{.NetworkSettings.IPAddress}}');
    assert.equal(ok.stdout.toString().split('\n')[0], `CHECKER OK - check-web (${(await id('check-web')).slice(0, 12)}) is healthy: http://${ip}:80/ok says ok`);

    await breakWeb('check-web');
    const critical = await checker(['check', 'check-web']);
    assert.equal(critical.code, 2);
    assert.equal(critical.stdout.toString().split('\n')[0], `CHECKER CRITICAL - check-web (${(await id('check-web')).slice(0, 12)}): the check exited 1: no page at http://${ip}:80/ok`);
    assert.equal(await leftoverChecks(), '', 'every throwaway check container is removed');
  });

  test('check: CRITICAL when the image has no such command', async () => {
    await runWeb('check-missing', ['--env', 'HEALTHCHECK=/no/such/check --flag']);
    const r = await checker(['check', 'check-missing']);
    assert.equal(r.code, 2);
    assert.match(r.stdout.toString(), /^CHECKER CRITICAL - check-missing \([0-9a-f]{12}\): the check exited 127: .*\/no\/such\/check/);
    assert.equal(await leftoverChecks(), '');
  });

  test('check: CRITICAL when the check outlasts its period', async () => {
    await runWeb('check-slow', ['--env', "HEALTHCHECK=sh -c 'sleep 60' sh", '--env', 'HEALTHCHECKPERIOD=1']);
    const r = await checker(['check', 'check-slow']);
    assert.equal(r.code, 2);
    assert.match(r.stdout.toString(), /^CHECKER CRITICAL - check-slow \([0-9a-f]{12}\): the check timed out after 1 s\n/);
    assert.equal(await leftoverChecks(), '');
  });

  test('check: UNKNOWN, saying what to fix, when it cannot check', async () => {
    await dockerd.dockerOk(['run', '--detach', '--name', 'check-plain', plain]);
    await dockerd.dockerOk(['create', '--name', 'check-stopped', web]);
    const cases: [string[], RegExp][] = [
      [['check', 'no-such-thing'], /^CHECKER UNKNOWN - no such container 'no-such-thing': give a container's name or id/],
      [['check', 'check-plain'], /^CHECKER UNKNOWN - check-plain \([0-9a-f]{12}\) has no HEALTHCHECK in its environment: declare ENV HEALTHCHECK=COMMAND in its image/],
      [['check', 'check-stopped'], /^CHECKER UNKNOWN - check-stopped \([0-9a-f]{12}\) is not running \(created\): start it/],
      [['check', `-docker-socket=${dir.file('no.sock')}`, 'check-web'], /^CHECKER UNKNOWN - Docker: .*cannot reach dockerd .*: is dockerd running\?/],
      [['check'], /^CHECKER UNKNOWN - bad usage: check needs a CONTAINER/],
    ];
    for (const [args, pattern] of cases) {
      const r = await checker(args);
      assert.equal(r.code, 3, args.join(' '));
      assert.match(r.stdout.toString(), pattern);
    }
  });

  test('monitor: the exact key and value under a lease of 2 x period + 1; a failing check deletes the key, a repair writes it back', async () => {
    await runWeb('mon-web', ['--publish', '80']);
    const key = await keyOf('mon-web');
    const monitor = start(serve(['monitor', 'mon-web']));
    await present(key);
    const ip = await dockerd.inspect('mon-web', '{{.NetworkSettings.IPAddress}}');
    const hostPort = await dockerd.inspect('mon-web', '{{(index (index .NetworkSettings.Ports "80/tcp") 0).HostPort}}');
    assert.equal(await etcd.get(key), `{"IP":"${ip}","Name":"/mon-web","Ports":[{"IP":"${HOST_IP}","PrivatePort":80,"PublicPort":${hostPort},"Type":"tcp"}]}`);
    assert.equal((await etcd.leaseOf(key))?.grantedTtl, TTL);

    await breakWeb('mon-web');
    await absent(key);
    await repairWeb('mon-web');
    await present(key);

    await dockerd.dockerOk(['stop', 'mon-web']);
    await absent(key);
    await dockerd.dockerOk(['start', 'mon-web']);
    await present(key);

    await dockerd.dockerOk(['rm', '--force', 'mon-web']);
    const ended = await monitor.run.done;
    assert.equal(ended.code, 0, ended.stdout.toString());
    assert.equal(await etcd.get(key), null);
  });

  test('monitor: a bad HEALTHCHECKPERIOD is reported once and the default 30 s used', async () => {
    await runWeb('mon-period', ['--env', 'HEALTHCHECKPERIOD=often']);
    const key = await keyOf('mon-period');
    const monitor = start(serve(['monitor', 'mon-period']));
    await present(key);
    assert.equal((await etcd.leaseOf(key))?.grantedTtl, 2 * 30 + 1);
    // Another check (the restart deletes the key and checks again at once): still one report.
    const first = (await etcd.leaseOf(key))?.id;
    await dockerd.dockerOk(['restart', '--time', '1', 'mon-period']);
    await waitFor('the key back under a new lease after the restart', async () => {
      const lease = await etcd.leaseOf(key);
      return lease !== null && lease.id !== first;
    }, CHANGE_MS, 100);
    monitor.signal('SIGTERM');
    const r = await monitor.run.done;
    const reports = r.stdout.toString().split('\n').filter((l) => l.includes('HEALTHCHECKPERIOD="often" is not a whole number of seconds from 1 to 86400: using 30'));
    assert.equal(reports.length, 1, r.stdout.toString());
    assert.match(reports[0] ?? '', /^\S+ WARNING /);
  });

  test('monitor: SIGTERM revokes the lease, so the key vanishes at once', async () => {
    await runWeb('mon-term');
    const key = await keyOf('mon-term');
    const monitor = start(serve(['monitor', 'mon-term']));
    await present(key);
    monitor.signal('SIGTERM');
    const r = await monitor.run.done;
    assert.equal(r.code, 0);
    assert.equal(await etcd.get(key), null, 'gone at once, not a TTL later');
  });

  test('listener: containers started before and after it; none without HEALTHCHECK; none for the check containers', async () => {
    await dockerd.dockerOk(['rm', '--force', ...(await dockerd.dockerOk(['ps', '-aq'])).split('\n').filter(Boolean)]);
    await runWeb('lis-before', ['--restart', 'always']);
    await dockerd.dockerOk(['run', '--detach', '--name', 'lis-plain', plain]);
    const listener = start(serve(['listener']));
    const before = await keyOf('lis-before');
    await present(before);
    await runWeb('lis-after', ['--restart', 'always']);
    const afterKey = await keyOf('lis-after');
    await present(afterKey);
    assert.deepEqual((await etcd.keys('/SERVICE/')).sort(), [before, afterKey].sort());

    await breakWeb('lis-after');
    await absent(afterKey);
    await repairWeb('lis-after');
    await present(afterKey);

    // etcd away for longer than the TTL: checks go on; once it is back every healthy container's
    // key is written again under a fresh lease, and none is left for a container stopped meanwhile.
    await runWeb('lis-gone');
    const goneKey = await keyOf('lis-gone');
    await present(goneKey);
    const oldLease = (await etcd.leaseOf(before))?.id;
    await etcd.kill();
    await dockerd.dockerOk(['stop', '--time', '1', 'lis-gone']);
    await new Promise((resolve) => setTimeout(resolve, (TTL + 2) * 1000));
    await etcd.start();
    await waitFor(`${before} under a fresh lease`, async () => {
      const lease = await etcd.leaseOf(before);
      return lease !== null && lease.id !== oldLease;
    }, CHANGE_MS, 100);
    await present(afterKey);
    await absent(goneKey);
    await dockerd.dockerOk(['rm', '--force', 'lis-gone']);

    // dockerd restarted under the listener: the containers come back (restart always) and so do their keys.
    await dockerd.restart();
    await waitFor('lis-before running again', async () => (await dockerd.inspect('lis-before', '{{.State.Running}}')) === 'true', CHANGE_MS, 200);
    const ip = await dockerd.inspect('lis-before', '{{.NetworkSettings.IPAddress}}');
    await waitFor(`${before} with the address after the restart`, async () => (await etcd.get(before))?.includes(`"IP":"${ip}"`), CHANGE_MS, 200);
    await present(afterKey);

    listener.signal('SIGTERM');
    const r = await listener.run.done;
    assert.equal(r.code, 0);
    assert.deepEqual(await etcd.keys('/SERVICE/'), [], 'SIGTERM deletes every key at once');
    const out = r.stdout.toString();
    assert.match(out, /DEBUG lis-plain \([0-9a-f]{12}\): no HEALTHCHECK in its environment: ignored/);
    assert.equal(out.split('\n').filter((l) => l.includes('etcd is unreachable')).length, 1, 'the outage is logged once');
    assert.match(out, /lost Docker's event stream/);
  });
});
