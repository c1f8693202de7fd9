import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { startStevedore } from '../../harness/stevedore.js';
import { tempDir, type TempDir } from '../../harness/temp-dir.js';

const report = { exitCode: 0, signal: null, timedOut: false, stdout: 'alive\n', stderr: '', truncated: false, startedAt: null, durationMs: 3, value: null, version: '0.1.0' };
const entry = (hostname: string, more: Record<string, unknown> = {}) => ({
  hostname,
  address: '172.17.0.2',
  receivedAt: new Date().toISOString(),
  reports: 1,
  failures: 0,
  consecutiveFailures: 0,
  state: 'ok',
  stateSince: new Date().toISOString(),
  report,
  container: null,
  ...more,
});

describe('the state file, read by a real stevedore', { timeout: 60_000 }, () => {
  let dir: TempDir;
  before(() => (dir = tempDir('state-file')));
  after(() => dir.remove());

  test('a crafted file: entries that break the contract dropped one by one and named, the rest restored, leftovers removed', async () => {
    const long = 'h'.repeat(200);
    const file = {
      format: 'stevedore-state',
      version: 1,
      savedAt: new Date().toISOString(),
      reportsAccepted: 7,
      reportsRejected: 1,
      services: [
        {
          name: 'DB',
          state: 'ok',
          stateSince: new Date().toISOString(),
          instances: [entry('good'), entry(long), entry('deep', { report: { ...report, value: 'DEEP' } }), entry('future', { receivedAt: '9999-01-01T00:00:00.000Z', stateSince: '9999-01-01T00:00:00.000Z' })],
        },
      ],
    };
    const text = JSON.stringify(file).replace('"DEEP"', `${'['.repeat(20_000)}0${']'.repeat(20_000)}`);
    writeFileSync(dir.file('state.json'), text);
    // What a SIGKILL in the middle of two saves leaves behind.
    writeFileSync(dir.file('state.json.tmp-4242'), '{"format":"stevedore-sta');
    writeFileSync(dir.file('state.json.tmp-99'), '');
    const s = await startStevedore(dir, `service DB { ttl 30s; } state-file ${dir.file('state.json')};`);
    try {
      const messages = s.logLines().map((l) => String(l.msg));
      const said = (pattern: RegExp): void => assert.ok(messages.some((m) => pattern.test(m)), `no log line ${pattern}:\n${messages.join('\n')}`);
      said(/services\[0\]\.instances\[1\] \('h{60}\.\.\.'\) dropped: hostname must match pattern/);
      said(/services\[0\]\.instances\[2\] \('deep'\) dropped: report\.value nested deeper than 32 levels/);
      said(/instance DB\/future has times in the future: taken as now/);
      said(/removed .*state\.json\.tmp-4242, left by an interrupted save/);
      said(/removed .*state\.json\.tmp-99, left by an interrupted save/);
      said(/state restored: 2 instances, 2 entries dropped/);
      assert.deepEqual(readdirSync(dir.path).filter((f) => f.includes('.tmp-')), []);

      const db = (await s.get('/v1/services/DB')).body as { instances: { hostname: string; state: string; receivedAt: string }[] };
      assert.deepEqual(db.instances.map((i) => [i.hostname, i.state]), [['good', 'ok'], ['future', 'ok']]);
      assert.ok(Date.parse(db.instances[1]!.receivedAt) <= Date.now(), db.instances[1]!.receivedAt);
      const health = (await s.get('/v1/health')).body as { reportsAccepted: number };
      assert.equal(health.reportsAccepted, 7);
      // Saving works again: what was restored can be written back.
      assert.equal(await s.post({ service: 'DB', hostname: 'good', exitCode: 1 }), 204);
    } finally {
      // A generous grace: the state is written at shutdown, on a machine that may be busy.
      assert.deepEqual(await s.process.stop(15_000), { code: 0, signal: null });
    }
    const saved = JSON.parse(readFileSync(dir.file('state.json'), 'utf8')) as { services: { instances: { hostname: string; state: string }[] }[] };
    assert.deepEqual(saved.services[0]!.instances.map((i) => [i.hostname, i.state]), [['good', 'failing'], ['future', 'ok']]);
    assert.ok(!existsSync(dir.file('state.json.tmp-4242')));
  });

  test('a crafted file: a negative counter counted from 0, an address that is no IP and a repeated hostname dropped and named, the rest restored', async () => {
    const file = {
      format: 'stevedore-state',
      version: 1,
      savedAt: new Date().toISOString(),
      reportsAccepted: -5,
      reportsRejected: 2,
      services: [
        {
          name: 'DB',
          state: 'ok',
          stateSince: new Date().toISOString(),
          instances: [entry('first', { address: '::1' }), entry('bad-address', { address: 'not-an-ip' }), entry('first', { address: '172.17.0.9', reports: 99 }), entry('second')],
        },
      ],
    };
    writeFileSync(dir.file('uneven.json'), JSON.stringify(file));
    const s = await startStevedore(dir, `service DB { ttl 30s; } state-file ${dir.file('uneven.json')};`, { name: 'uneven' });
    try {
      const messages = s.logLines().map((l) => String(l.msg));
      const said = (pattern: RegExp): void => assert.ok(messages.some((m) => pattern.test(m)), `no log line ${pattern}:\n${messages.join('\n')}`);
      said(/reportsAccepted dropped: not a count \(an integer from 0\): counted from 0/);
      said(/services\[0\]\.instances\[1\] \('bad-address'\) dropped: address is not an IP address/);
      said(/services\[0\]\.instances\[2\] \('first'\) dropped: the same hostname as services\[0\]\.instances\[0\], which is kept/);
      said(/state restored: 2 instances, 3 entries dropped/);
      assert.deepEqual(readdirSync(dir.path).filter((f) => f.startsWith('uneven.json.unusable-')), [], 'the file is not moved aside');
      const db = (await s.get('/v1/services/DB')).body as { instances: { hostname: string; address: string; reports: number }[] };
      assert.deepEqual(db.instances.map((i) => [i.hostname, i.address, i.reports]), [['first', '::1', 1], ['second', '172.17.0.2', 1]]);
      const health = (await s.get('/v1/health')).body as { reportsAccepted: number; reportsRejected: number };
      assert.deepEqual([health.reportsAccepted, health.reportsRejected], [0, 2]);
    } finally {
      await s.process.stop(15_000);
    }
  });

  test('one hostname from two addresses: flagged in the JSON API, logged naming both, no flapping', async () => {
    const s = await startStevedore(dir, 'service web { ttl 60s; }', { name: 'conflict' });
    try {
      for (let i = 0; i < 6; i++) {
        assert.equal(await s.post({ service: 'web', hostname: 'web', exitCode: i % 2 }, { from: i % 2 ? '127.0.0.3' : '127.0.0.2' }), 204);
      }
      const web = (await s.get('/v1/services/web')).body as { instances: { state: string; conflict: { addresses: string[]; containers: string[]; since: string } | null }[] };
      const instance = web.instances[0]!;
      assert.equal(instance.state, 'failing');
      assert.deepEqual(instance.conflict?.addresses, ['127.0.0.2', '127.0.0.3']);
      assert.ok(!Number.isNaN(Date.parse(instance.conflict!.since)));
      const lines = s.logLines().map((l) => String(l.msg));
      const conflicts = lines.filter((m) => m.includes('is reported by 2 sources'));
      assert.equal(conflicts.length, 1, lines.join('\n'));
      assert.match(conflicts[0]!, /instance web\/web is reported by 2 sources: 127\.0\.0\.2, 127\.0\.0\.3/);
      assert.deepEqual(lines.filter((m) => m.startsWith('instance web/web')).filter((m) => !m.includes('sources')), ['instance web/web appeared: ok', 'instance web/web: ok -> failing (exit 1)']);
    } finally {
      await s.process.stop();
    }
  });
});
