import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Monitor } from '../../src/checker/monitor.js';
import type { EngineApi } from '../../src/docker/engine-api.js';
import type { ContainerInspect } from '../../src/docker/engine-types.js';
import type { EtcdClient } from '../../src/etcd/client.js';
import { EtcdError } from '../../src/etcd/errors.js';
import { FakeTime } from '../harness/fake-time.js';

const ID = 'c'.repeat(64);

/** Lets the monitor's promise chains run to their next wait. */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
};

/** dockerd as the monitor sees it: one container, and check containers that exit with `exitCode`. */
class FakeEngine {
  running = true;
  exitCode = 0;
  /** A check's wait that the test ends by hand, when set. */
  holdWait: ((code: number) => void) | null = null;
  blockWaits = false;
  inspectContainer = async (id: string): Promise<ContainerInspect | null> =>
    id === ID
      ? {
          Id: ID,
          Name: '/web',
          Image: 'sha256:abc',
          Config: { Image: 'tutum/web:1', Env: ['HEALTHCHECK=/check.sh', 'HEALTHCHECKPERIOD=5'] },
          State: { Running: this.running, Status: this.running ? 'running' : 'exited' },
          HostConfig: { NetworkMode: 'default' },
          NetworkSettings: { IPAddress: '172.17.0.3', Ports: { '80/tcp': null } },
        }
      : null;
  inspectImage = async () => null;
  createContainer = async () => 'check';
  startContainer = async () => {};
  waitContainer = () => (this.blockWaits ? new Promise<number>((resolve) => (this.holdWait = resolve)) : Promise.resolve(this.exitCode));
  containerOutput = async () => (this.exitCode === 0 ? 'fine\n' : 'broken\n');
  removeContainer = async () => {};
}

/** etcd as a log of the calls made, reachable or not. */
class FakeEtcd {
  reachable = true;
  reachableEpoch = 1;
  calls: string[] = [];
  private leases = 0;
  private call(text: string): void {
    if (!this.reachable) throw new EtcdError('ETCD_UNREACHABLE', 'etcd is unreachable');
    this.calls.push(text);
  }
  grant = async (ttl: number) => {
    this.call(`grant ${ttl}`);
    return `L${++this.leases}`;
  };
  keepAliveOnce = async (lease: string) => {
    this.call(`keepalive ${lease}`);
    return 11;
  };
  put = async (key: string, value: string, lease: string) => this.call(`put ${key} ${value} ${lease}`);
  revoke = async (lease: string) => this.call(`revoke ${lease}`);
}

function setUp() {
  const time = new FakeTime();
  const engine = new FakeEngine();
  const etcd = new FakeEtcd();
  const lines: string[] = [];
  const log = { debug: () => {}, info: (m: string) => lines.push(`INFO ${m}`), warn: (m: string) => lines.push(`WARNING ${m}`), error: (m: string) => lines.push(`ERROR ${m}`) };
  const monitor = new Monitor({ engine: engine as unknown as EngineApi, etcd: etcd as unknown as EtcdClient, time, log, hostIp: '192.0.2.7', prefix: '/SERVICE' }, ID, true);
  return { time, engine, etcd, lines, monitor };
}

const KEY = `/SERVICE/web/${ID}`;
const VALUE = '{"IP":"172.17.0.3","Name":"/web","Ports":[{"IP":"","PrivatePort":0,"PublicPort":80,"Type":"tcp"}]}';

describe('monitor, on fake Docker, etcd and time', () => {
  it('holds the key under a lease of 2 x period + 1 and renews it once per period', async () => {
    const { time, etcd, monitor } = setUp();
    monitor.start();
    await settle();
    assert.deepEqual(etcd.calls, ['grant 11', `put ${KEY} ${VALUE} L1`]);
    assert.equal(monitor.status, 'healthy');
    etcd.calls = [];
    time.advance(4_999);
    await settle();
    assert.deepEqual(etcd.calls, [], 'no check before the period is over');
    time.advance(1);
    await settle();
    assert.deepEqual(etcd.calls, ['keepalive L1'], 'one write per period in steady state');
  });

  it('a failing check deletes the key at once by revoking its lease, and a passing one writes it back', async () => {
    const { time, engine, etcd, lines, monitor } = setUp();
    monitor.start();
    await settle();
    engine.exitCode = 1;
    time.advance(5_000);
    await settle();
    assert.deepEqual(etcd.calls.slice(-1), ['revoke L1']);
    assert.equal(monitor.status, 'failing');
    assert.ok(lines.includes('WARNING web (cccccccccccc): healthy -> failing: the check exited 1: broken'), lines.join('\n'));
    engine.exitCode = 0;
    time.advance(5_000);
    await settle();
    assert.deepEqual(etcd.calls.slice(-2), ['grant 11', `put ${KEY} ${VALUE} L2`]);
  });

  it('while etcd is unreachable a deletion is tried again every second until etcd takes it', async () => {
    const { time, engine, etcd, monitor } = setUp();
    monitor.start();
    await settle();
    etcd.reachable = false;
    engine.exitCode = 1;
    time.advance(5_000);
    await settle();
    time.advance(3_000);
    await settle();
    assert.equal(etcd.calls.includes('revoke L1'), false);
    etcd.reachable = true;
    time.advance(1_000);
    await settle();
    assert.deepEqual(etcd.calls.slice(-1), ['revoke L1']);
  });

  it('a check that ends after the container stopped writes nothing back', async () => {
    const { time, engine, etcd, monitor } = setUp();
    monitor.start();
    await settle();
    engine.blockWaits = true;
    time.advance(5_000);
    await settle();
    monitor.containerStopped();
    await settle();
    engine.holdWait?.(0);
    await settle();
    assert.deepEqual(etcd.calls, ['grant 11', `put ${KEY} ${VALUE} L1`, 'revoke L1']);
    assert.equal(await monitor.done, 'stopped');
  });

  it('shutdown while etcd is away tries the deletion once more and ends, instead of waiting for etcd', async () => {
    const { time, etcd, monitor } = setUp();
    monitor.start();
    await settle();
    etcd.reachable = false;
    monitor.containerRemoved();
    time.advance(3_000);
    await settle();
    let ended = false;
    void monitor.shutdown().then(() => (ended = true));
    time.advance(1_000);
    await settle();
    assert.equal(ended, true);
    assert.equal(etcd.calls.includes('revoke L1'), false);
  });
});
