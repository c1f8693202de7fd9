import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventJournal } from '../../../src/stevedore/http/event-journal.js';
import type { RegistryListener } from '../../../src/stevedore/registry/events.js';
import { Registry } from '../../../src/stevedore/registry/registry.js';
import { serviceConfig } from '../../harness/config-fixture.js';
import { FakeTime } from '../../harness/fake-time.js';
import { reportFrom } from '../../harness/result-source.js';
import { LOOPBACK_READS, startCollector, type RunningCollector } from '../../harness/collector.js';
import { openEvents, type SseClient } from '../../harness/sse-client.js';
import { startStevedore } from '../../harness/stevedore.js';
import { tempDir } from '../../harness/temp-dir.js';

/** The next event that is not a comment. */
async function nextEvent(stream: SseClient) {
  for (;;) {
    const e = await stream.next();
    if (e.event !== 'comment') return e;
  }
}

describe('GET /v1/events', { timeout: 30_000 }, () => {
  let c: RunningCollector;
  before(async () => (c = await startCollector()));
  after(() => c.close());

  test('one event per state change, with what the log line says: service, instance, from, to, at, exit code, first output line', async () => {
    const stream = await openEvents(`${c.readUrl}/v1/events`);
    try {
      assert.equal(stream.status, 200);
      assert.equal((await c.post({ service: 'DB', hostname: 'db-1', exitCode: 0, stdout: 'fine' })).status, 204);
      const appeared = await nextEvent(stream);
      assert.equal(appeared.event, 'change');
      const change = JSON.parse(appeared.data) as Record<string, unknown>;
      assert.deepEqual(change, { id: appeared.id, kind: 'instance', service: 'DB', instance: 'db-1', from: null, to: 'ok', at: new Date(c.time.wall()).toISOString(), exitCode: 0, output: 'fine', cause: null });
      const service = JSON.parse((await nextEvent(stream)).data) as Record<string, unknown>;
      assert.deepEqual([service.kind, service.service, service.from, service.to], ['service', 'DB', 'unknown', 'ok']);
      // A report that changes nothing sends nothing; the next change does.
      assert.equal((await c.post({ service: 'DB', hostname: 'db-1', exitCode: 0, stdout: 'fine' })).status, 204);
      assert.equal((await c.post({ service: 'DB', hostname: 'db-1', exitCode: 2, stdout: '\n  connection refused\nmore' })).status, 204);
      const failed = JSON.parse((await nextEvent(stream)).data) as Record<string, unknown>;
      assert.deepEqual([failed.instance, failed.from, failed.to, failed.exitCode, failed.output], ['db-1', 'ok', 'failing', 2, '  connection refused']);
    } finally {
      stream.close();
    }
  });

  test('Last-Event-ID: a client that comes back gets what it missed, in order', async () => {
    const first = await openEvents(`${c.readUrl}/v1/events`);
    assert.equal((await c.post({ service: 'web', hostname: 'w1', exitCode: 0 })).status, 204);
    const seen = await nextEvent(first);
    first.close();
    assert.equal((await c.post({ service: 'web', hostname: 'w1', exitCode: 1 })).status, 204);
    assert.equal((await c.post({ service: 'web', hostname: 'w2', exitCode: 0 })).status, 204);
    const again = await openEvents(`${c.readUrl}/v1/events`, { 'last-event-id': seen.id as string });
    try {
      const missed = [];
      for (let i = 0; i < 4; i++) missed.push(JSON.parse((await nextEvent(again)).data) as { kind: string; instance?: string; to: string });
      assert.deepEqual(missed.map((e) => [e.kind, e.instance ?? '', e.to]), [['service', '', 'ok'], ['instance', 'w1', 'failing'], ['service', '', 'failing'], ['instance', 'w2', 'ok']]);
    } finally {
      again.close();
    }
  });

  test('an id the journal no longer has (or from before a restart): one reset event, saying to read the state again', async () => {
    const stream = await openEvents(`${c.readUrl}/v1/events?after=otherrun.5`);
    try {
      const reset = await nextEvent(stream);
      assert.equal(reset.event, 'reset');
      assert.deepEqual(JSON.parse(reset.data), { reason: 'stevedore restarted since that event', reload: '/v1/services' });
      assert.ok(reset.id !== undefined);
    } finally {
      stream.close();
    }
  });

  test('a reload that changes http-allow or http-token ends the streams opened under the old ones; one that does not, keeps them', async () => {
    const stream = await openEvents(`${c.readUrl}/v1/events`);
    try {
      c.reads.reconfigure({ ...LOOPBACK_READS });
      assert.equal((await c.post({ service: 'DB', hostname: 'kept', exitCode: 0 })).status, 204);
      assert.equal(JSON.parse((await nextEvent(stream)).data).instance, 'kept', 'same access: the stream goes on');
      c.reads.reconfigure({ ...LOOPBACK_READS, httpToken: 'new-read-token-8e2d' });
      await stream.ended;
      assert.equal((await fetch(`${c.readUrl}/v1/events`)).status, 401, 'coming back, it is checked under the new token');
    } finally {
      stream.close();
      c.reads.reconfigure(LOOPBACK_READS);
    }
  });

  test('a quiet stream gets a keep-alive comment every 15 s', async () => {
    const stream = await openEvents(`${c.readUrl}/v1/events`);
    try {
      c.time.advance(15_000);
      const comment = await stream.next();
      assert.deepEqual([comment.event, comment.data], ['comment', 'keep-alive']);
    } finally {
      stream.close();
    }
  });
});

describe('the event journal', () => {
  test('keeps the last N changes; an id older than those is lost, and says so', () => {
    let emit: RegistryListener = () => {};
    const journal = new EventJournal({ subscribe: (l) => ((emit = l), () => {}) }, 'r1', 3);
    for (let i = 0; i < 5; i++) emit({ kind: 'service', service: `s${i}`, from: null, to: 'unknown', at: 0 });
    assert.equal(journal.lastId(), 'r1.5');
    const resumed = journal.since('r1.2');
    assert.deepEqual(resumed.kind === 'replay' && resumed.events.map((e) => [e.id, e.service]), [['r1.3', 's2'], ['r1.4', 's3'], ['r1.5', 's4']]);
    assert.deepEqual(journal.since('r1.5'), { kind: 'replay', events: [] });
    assert.deepEqual(journal.since('r1.1'), { kind: 'lost', reason: 'that event is older than the last 3 kept' });
    assert.deepEqual(journal.since('r1.9'), { kind: 'lost', reason: 'that event is not known here' });
    assert.deepEqual(journal.since('junk'), { kind: 'lost', reason: "'junk' is not an event id" });
  });

  test("removals say why: replaced (tallyman took over the container's row), source off (a reload turned docker-health off)", () => {
    const time = new FakeTime();
    const settings = { services: [serviceConfig('DB'), serviceConfig('WEB')], maxInstances: 100, maxOutputBytes: 4096, dockerHealth: true };
    const registry = new Registry(settings, time);
    const journal = new EventJournal(registry, 'r1');
    const container = (id: string) => ({ id: id.repeat(64), name: 'web', image: 'nginx', ipAddresses: ['172.17.0.5'], ports: [] });
    const fromDocker = (id: string) => ({ origin: 'docker-health', address: '172.17.0.5', container: container(id) }) as const;
    registry.accept({ service: 'WEB', hostname: 'aaaaaaaaaaaa', exitCode: 0 }, fromDocker('a'));
    registry.accept({ service: 'WEB', hostname: 'bbbbbbbbbbbb', exitCode: 0 }, fromDocker('b'));
    registry.accept({ service: 'DB', hostname: 'db-main', exitCode: 0 }, reportFrom('172.17.0.5', container('a')));
    registry.reconfigure({ ...settings, dockerHealth: false });
    const replay = journal.since('r1.0');
    const removed = replay.kind === 'replay' ? replay.events.flatMap((e) => (e.kind === 'instance' && e.to === null ? [[e.instance, e.cause]] : [])) : [];
    assert.deepEqual(removed, [['aaaaaaaaaaaa', 'replaced'], ['bbbbbbbbbbbb', 'source off']]);
  });
});

describe('stopping with open event streams', { timeout: 60_000 }, () => {
  test('stevedore ends them and exits 0 at once, rather than wait for the clients', async () => {
    const dir = tempDir('events-stop');
    try {
      const s = await startStevedore(dir, 'service DB;');
      const streams = [await openEvents(`${s.readUrl}/v1/events`), await openEvents(`${s.readUrl}/v1/events`)];
      assert.equal(await s.post({ service: 'DB', hostname: 'c1', exitCode: 0 }), 204);
      assert.equal((await nextEvent(streams[0]!)).event, 'change');
      assert.deepEqual(await s.process.stop(), { code: 0, signal: null });
      await Promise.all(streams.map((stream) => stream.ended));
    } finally {
      dir.remove();
    }
  });
});
