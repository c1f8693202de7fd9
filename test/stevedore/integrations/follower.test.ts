import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import pino from 'pino';
import { EngineApi } from '../../../src/docker/engine-api.js';
import { createServer as createSocketServer, type Socket } from 'node:net';
import { ANSWER_BOUND_MS, DockerFollower } from '../../../src/stevedore/integrations/docker/follower.js';
import { Registry } from '../../../src/stevedore/registry/registry.js';
import { serviceConfig } from '../../harness/config-fixture.js';
import { reportFrom } from '../../harness/result-source.js';
import { FakeTime } from '../../harness/fake-time.js';
import { tempDir, type TempDir } from '../../harness/temp-dir.js';
import { waitFor } from '../../harness/wait-for.js';

/** A gate the test opens: answers wait for it, and nothing sleeps. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open = (): void => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

// A stand-in for the Engine API over a unix socket (a unit test of the follower's ordering:
// the real dockerd is in test/integration/docker-events.test.ts). Answers can be held back.
class FakeEngine {
  containers = new Map<string, { ip: string }>();
  /** While set, container lists (inspections) are answered only once it opens. */
  holdLists: Promise<void> | null = null;
  holdInspections: Promise<void> | null = null;
  /** Called when a container list has been asked for (its answer is fixed from then on). */
  onList: () => void = () => {};
  /** Called when a container is inspected. */
  onInspect: () => void = () => {};
  private events: ServerResponse | undefined;
  readonly server: Server;

  constructor() {
    this.server = createServer((req, res) => {
      const url = req.url ?? '';
      const later = (held: Promise<void> | null, answer: () => void) => void (held ?? Promise.resolve()).then(answer);
      if (url.startsWith('/v1.41/events')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.flushHeaders();
        this.events = res;
      } else if (url.startsWith('/v1.41/containers/json')) {
        const ids = [...this.containers.keys()];
        this.onList();
        later(this.holdLists, () => res.end(JSON.stringify(ids.map((Id) => ({ Id })))));
      } else {
        const id = decodeURIComponent(/\/containers\/([^/]+)\/json/.exec(url)?.[1] ?? '');
        this.onInspect();
        later(this.holdInspections, () => {
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
    const time = new FakeTime();
    const registry = new Registry({ services: [serviceConfig('DB')], maxInstances: 100, maxOutputBytes: 4096 }, time);
    const follower = new DockerFollower(new EngineApi(socket), registry, pino({ level: 'silent' }), time, () => 50);
    return { registry, follower };
  };

  test('a container that starts and reports during a reconcile is not removed by it', async () => {
    engine.containers.clear();
    const list = gate();
    engine.holdLists = list.opened;
    const { registry, follower } = setUp();
    try {
      const listed = new Promise<void>((resolve) => (engine.onList = resolve));
      follower.start();
      // The list is on its way (without the new container); it starts and reports meanwhile.
      await listed;
      engine.containers.set(ID_A, { ip: '172.17.0.2' });
      const match = await follower.match(ID_A.slice(0, 12), '172.17.0.2');
      registry.accept({ service: 'DB', hostname: ID_A.slice(0, 12), exitCode: 0 }, reportFrom('172.17.0.2', match.container));
      list.open();
      await waitFor('the follower following', () => follower.health().state === 'following');
      assert.equal(registry.service('DB')!.instances.size, 1);
    } finally {
      follower.close();
      engine.holdLists = null;
    }
  });

  test('a container destroyed while it is being looked up leaves no ghost', async () => {
    engine.containers.clear();
    const { registry, follower } = setUp();
    try {
      follower.start();
      await waitFor('the follower following', () => follower.health().state === 'following');
      engine.containers.set(ID_B, { ip: '172.17.0.3' });
      // An instance of that container, so that the registry tells when the destroy reached it.
      const ref = { id: ID_B, name: 'bbbb', image: 'img', ipAddresses: ['172.17.0.3'], ports: [] };
      registry.accept({ service: 'DB', hostname: 'b-earlier', exitCode: 0 }, reportFrom('172.17.0.3', ref));
      const removed = new Promise<void>((resolve) => registry.subscribe((c) => c.kind === 'instance' && c.to === null && resolve()));
      const inspection = gate();
      engine.holdInspections = inspection.opened;
      const asked = new Promise<void>((resolve) => (engine.onInspect = resolve));
      const looking = follower.match(ID_B.slice(0, 12), '172.17.0.3');
      // The destroy event reaches the follower while the inspection's answer is held back.
      await asked;
      engine.event('destroy', ID_B);
      await removed;
      inspection.open();
      const match = await looking;
      assert.equal(match.container, null);
      assert.equal(follower.health().containers, 0);
    } finally {
      follower.close();
      engine.holdInspections = null;
      engine.onInspect = () => {};
    }
  });
});

/** The real Engine API client, counting the event streams that ended (each failed attempt). */
class CountingApi extends EngineApi {
  ended = 0;
  override events(filters: Record<string, string[]>, handlers: Parameters<EngineApi['events']>[1]): { close(): void } {
    return super.events(filters, { ...handlers, onEnd: (reason) => { this.ended++; handlers.onEnd(reason); } });
  }
}

describe('the Docker follower says what is wrong with dockerd', { timeout: 30_000 }, () => {
  let dir: TempDir;
  before(() => {
    dir = tempDir('docker-problems');
  });
  after(() => dir.remove());

  /** A follower on SOCKET whose warnings are kept in `warnings`, retrying every 50 ms. */
  const setUp = (socket: string) => {
    const time = new FakeTime();
    const warnings: string[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(String(JSON.parse(line).msg)) });
    const registry = new Registry({ services: [serviceConfig('DB')], maxInstances: 100, maxOutputBytes: 4096 }, time);
    const api = new CountingApi(socket);
    return { time, warnings, api, follower: new DockerFollower(api, registry, log, time, () => 50) };
  };

  test('a socket that does not exist: "cannot reach" once, then retried quietly; never "lost dockerd"', async () => {
    const socket = dir.file('missing.sock');
    const { time, warnings, api, follower } = setUp(socket);
    try {
      follower.start();
      await waitFor('the first failure', () => api.ended === 1);
      for (let i = 2; i <= 4; i++) {
        time.advance(50);
        await waitFor(`attempt ${i} failed`, () => api.ended === i);
      }
      assert.deepEqual(warnings, [`cannot reach dockerd at unix:${socket} (ENOENT: no such socket); retrying`]);
      assert.equal(follower.health().lastError, 'ENOENT');
    } finally {
      follower.close();
    }
  });

  test('a socket that accepts and never answers: said once after the bound, and retried', async () => {
    const socket = dir.file('silent.sock');
    const held: Socket[] = [];
    let accepted = 0;
    const server = createSocketServer((connection) => {
      accepted++;
      held.push(connection);
    });
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    const { time, warnings, follower } = setUp(socket);
    try {
      follower.start();
      await waitFor('the connection accepted', () => accepted === 1);
      time.advance(ANSWER_BOUND_MS - 1);
      assert.deepEqual([follower.health().state, warnings], ['connecting', []]);
      time.advance(1);
      assert.equal(follower.health().state, 'reconnecting');
      assert.deepEqual(warnings, [`dockerd at unix:${socket} does not answer within ${ANSWER_BOUND_MS / 1000} s; retrying`]);
      time.advance(50);
      await waitFor('tried again', () => accepted === 2);
      time.advance(ANSWER_BOUND_MS);
      assert.equal(warnings.length, 1, 'said once');
    } finally {
      follower.close();
      for (const connection of held) connection.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
