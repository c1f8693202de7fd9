import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startCollector, type RunningCollector } from '../../harness/collector.js';

describe('the JSON API over real HTTP', { timeout: 30_000 }, () => {
  let c: RunningCollector;
  before(async () => {
    c = await startCollector({ health: { agentx: () => ({ state: 'ready' }) } });
    await c.post({ service: 'DB', hostname: 'c1', exitCode: 0, stdout: 'alive\n', value: { lag: 1 } });
    c.time.advance(1000);
    await c.post({ service: 'DB', hostname: 'c2', exitCode: 1, stderr: 'refused\n' });
  });
  after(() => c.close());

  test('GET /v1/services lists every declared service with state and counts', async () => {
    const r = await c.get('/v1/services');
    assert.equal(r.status, 200);
    const services = r.body as Record<string, unknown>[];
    assert.deepEqual(services.map((s) => [s.name, s.state]), [['DB', 'degraded'], ['web', 'unknown']]);
    assert.deepEqual(services[0]!.counts, { instances: 2, ok: 1, starting: 0, failing: 1, stale: 0 });
    assert.equal(services[0]!.lastReport, new Date(c.time.wall()).toISOString());
    assert.equal(services[1]!.lastReport, null);
    assert.deepEqual(Object.keys(services[0]!).sort(), ['counts', 'description', 'lastReport', 'name', 'state', 'stateSince']);
  });

  test('GET /v1/services/:name adds every instance with its last report', async () => {
    const r = await c.get('/v1/services/DB');
    assert.equal(r.status, 200);
    const db = r.body as { instances: Record<string, unknown>[] };
    assert.equal(db.instances.length, 2);
    const c1 = db.instances[0]!;
    assert.deepEqual(Object.keys(c1).sort(), ['address', 'consecutiveFailures', 'durationMs', 'exitCode', 'failures', 'hostname', 'receivedAt', 'reports', 'signal', 'startedAt', 'state', 'stateSince', 'stderr', 'stdout', 'timedOut', 'truncated', 'value', 'container', 'origin', 'conflict'].sort());
    assert.deepEqual([c1.hostname, c1.state, c1.stdout, c1.address, c1.reports], ['c1', 'ok', 'alive\n', '127.0.0.1', 1]);
    assert.deepEqual(c1.value, { lag: 1 });
    const c2 = db.instances[1]!;
    assert.deepEqual([c2.hostname, c2.state, c2.exitCode, c2.failures, c2.consecutiveFailures], ['c2', 'failing', 1, 1, 1]);
  });

  test('stale shows without a new report', async () => {
    c.time.advance(91_000);
    const r = await c.get('/v1/services/DB');
    const states = (r.body as { state: string; instances: { state: string }[] });
    assert.equal(states.state, 'stale');
    assert.deepEqual(states.instances.map((i) => i.state), ['stale', 'stale']);
  });

  test('GET /v1/services/:name is 404 for an undeclared service', async () => {
    const r = await c.get('/v1/services/ghost');
    assert.equal(r.status, 404);
    assert.deepEqual(r.body, { error: "service 'ghost' is not declared in the configuration", code: 'UNKNOWN_SERVICE' });
  });

  test('GET /v1/health: uptime, counts, and the sections other parts add', async () => {
    const r = await c.get('/v1/health');
    const h = r.body as Record<string, unknown>;
    assert.equal(r.status, 200);
    assert.equal(h.status, 'ok');
    assert.equal(h.services, 2);
    assert.equal(h.instances, 2);
    assert.equal(h.reportsAccepted, 2);
    assert.ok(typeof h.uptimeSeconds === 'number' && h.uptimeSeconds >= 92);
    assert.equal(new Date(h.startedAt as string).toISOString(), h.startedAt);
    assert.deepEqual(h.agentx, { state: 'ready' });
  });

  test('GET /v1/health says starting until every part has started, and stopping once told to stop', async () => {
    let status: 'starting' | 'ok' | 'stopping' = 'starting';
    const starting = await startCollector({ status: () => status });
    try {
      assert.equal(((await starting.get('/v1/health')).body as { status: string }).status, 'starting');
      status = 'ok';
      assert.equal(((await starting.get('/v1/health')).body as { status: string }).status, 'ok');
      status = 'stopping';
      assert.equal(((await starting.get('/v1/health')).body as { status: string }).status, 'stopping');
    } finally {
      await starting.close();
    }
  });

  test('an unknown path on the read listener says what it answers', async () => {
    const r = await c.get('/v2/nothing');
    assert.equal(r.status, 404);
    assert.match((r.body as { error: string }).error, /GET \/v1\/services, GET \/v1\/services\/NAME, GET \/v1\/health, GET \/metrics, GET \/v1\/events/);
  });
});
