import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import pino from 'pino';
import { EngineApi } from '../../../src/docker/engine-api.js';
import { DockerFollower } from '../../../src/stevedore/integrations/docker/follower.js';
import { Registry } from '../../../src/stevedore/registry/registry.js';
import { serviceConfig } from '../../harness/config-fixture.js';
import { FakeClock } from '../../harness/fake-clock.js';
import { tempDir, type TempDir } from '../../harness/temp-dir.js';
import { waitFor } from '../../harness/wait-for.js';

// A stand-in for the Engine API over a unix socket (a unit test of the follower's ordering:
// the real dockerd is in test/integration/docker-events.test.ts). Answers can be held back.
class FakeEngine {
  containers = new Map<string, { ip: string }>();
  listDelayMs = 0;
  inspectDelayMs = 0;
  /** Called when a container list has been asked for (its answer is fixed from then on). */
  onList: () => void = () => {};
  private events: ServerResponse | undefined;
  readonly server: Server;

  constructor() {
    this.server = createServer((req, res) => {
      const url = req.url ?? '';
      const later = (ms: number, answer: () => void) => setTimeout(answer, ms);
      if (url.startsWith('/v1.41/events')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.flushHeaders();
        this.events = res;
      } else if (url.startsWith('/v1.41/containers/json')) {
        const ids = [...this.containers.keys()];
        this.onList();
        later(this.listDelayMs, () => res.end(JSON.stringify(ids.map((Id) => ({ Id })))));
      } else {
        const id = decodeURIComponent(/\/containers\/([^/]+)\/json/.exec(url)?.[1] ?? '');
        later(this.inspectDelayMs, () => {
          const c = [...this.containers.entries()].find(([k]) => k.startsWith(id));
          if (!c) return res.writeHead(404).end('{}');
          res.end(JSON.stringify({ Id: c[0], Name: `/${c[0].slice(0, 4)}`, Config: { Hostname: c[0].slice(0, 12), Image: 'img' }, State: { Running: true }, HostConfig: { NetworkMode: 'bridge' }, NetworkSettings: { Networks: { bridge: { IPAddress: c[1].ip } } } }));
        });
      }
    });
  }

  event(action: string, id: string): void {
    this.events?.write(`${JSON.stringify({ Type: 'container', Action: action, Actor: { ID: id } })}\n`);
  }
}

const ID_A = 'a'.repeat(64);
const ID_B = 'b'.repeat(64);

describe('the Docker follower keeps order when dockerd answers slowly', { timeout: 30_000 }, () => {
  let dir: TempDir;
  let engine: FakeEngine;
  let socket: string;

  before(async () => {
    dir = tempDir('fake-engine');
    engine = new FakeEngine();
    socket = dir.file('docker.sock');
    await new Promise<void>((resolve) => engine.server.listen(socket, resolve));
  });
  after(async () => {
    engine.server.closeAllConnections();
    await new Promise((resolve) => engine.server.close(resolve));
    dir.remove();
  });

  const setUp = () => {
    const registry = new Registry({ services: [serviceConfig('DB')], maxInstances: 100, maxOutputBytes: 4096 }, new FakeClock());
    const follower = new DockerFollower(new EngineApi(socket), registry, pino({ level: 'silent' }), () => 50);
    return { registry, follower };
  };

  test('a container that starts and reports during a reconcile is not removed by it', async () => {
    engine.containers.clear();
    engine.listDelayMs = 500;
    const { registry, follower } = setUp();
    try {
      const listed = new Promise<void>((resolve) => (engine.onList = resolve));
      follower.start();
      // The list is on its way (without the new container); it starts and reports meanwhile.
      await listed;
      engine.containers.set(ID_A, { ip: '172.17.0.2' });
      const match = await follower.match(ID_A.slice(0, 12), '172.17.0.2');
      registry.accept({ service: 'DB', hostname: ID_A.slice(0, 12), exitCode: 0 }, '172.17.0.2', match.container);
      await waitFor('the follower following', () => follower.health().state === 'following');
      assert.equal(registry.service('DB')!.instances.size, 1);
    } finally {
      follower.close();
      engine.listDelayMs = 0;
    }
  });

  test('a container destroyed while it is being looked up leaves no ghost', async () => {
    engine.containers.clear();
    const { follower } = setUp();
    try {
      follower.start();
      await waitFor('the follower following', () => follower.health().state === 'following');
      engine.containers.set(ID_B, { ip: '172.17.0.3' });
      engine.inspectDelayMs = 300;
      const looking = follower.match(ID_B.slice(0, 12), '172.17.0.3');
      setTimeout(() => engine.event('destroy', ID_B), 100);
      const match = await looking;
      assert.equal(match.container, null);
      assert.equal(follower.health().containers, 0);
    } finally {
      follower.close();
      engine.inspectDelayMs = 0;
    }
  });
});
