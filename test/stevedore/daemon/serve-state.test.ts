import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { ServeLifecycle } from '../../../src/stevedore/serve-state.js';

/** A lifecycle whose reloads and stop end when the test says. */
function lifecycle() {
  const lines: string[] = [];
  const log = pino({ level: 'debug' }, new Writable({ write: (c: Buffer, _e, done) => (lines.push(JSON.parse(c.toString()).msg), done()) }));
  const reloads: (() => void)[] = [];
  let stops = 0;
  const serve = new ServeLifecycle(log, {
    reload: () => new Promise<void>((resolve) => reloads.push(resolve)),
    stop: async () => {
      stops++;
      return 0;
    },
  });
  return { serve, lines, reloads, stops: () => stops };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('the serve state', () => {
  test('SIGHUPs during a reload make one more reload, not one each', async () => {
    const { serve, reloads } = lifecycle();
    serve.reload();
    serve.reload();
    serve.reload();
    assert.equal(reloads.length, 1);
    assert.deepEqual({ status: serve.state.status, again: serve.state.status === 'reloading' && serve.state.again }, { status: 'reloading', again: true });
    reloads[0]!();
    await settle();
    assert.equal(reloads.length, 2, 'the one more reload');
    reloads[1]!();
    await settle();
    assert.equal(serve.state.status, 'serving');
    assert.equal(reloads.length, 2);
  });

  test('a stop during a reload waits for it, stops once, and drops the SIGHUPs that came meanwhile', async () => {
    const { serve, reloads, stops, lines } = lifecycle();
    serve.reload();
    serve.reload();
    const stopped = serve.stop('SIGTERM');
    const again = serve.stop('SIGINT');
    serve.reload();
    await settle();
    assert.equal(stops(), 0, 'nothing closes before the reload under way has ended');
    assert.equal(serve.state.status, 'stopping');
    reloads[0]!();
    assert.equal(await stopped, 0);
    assert.equal(await again, 0);
    assert.equal(stops(), 1);
    assert.equal(reloads.length, 1, 'no reload after the stop');
    assert.deepEqual(serve.state, { status: 'stopped', code: 0 });
    assert.deepEqual(lines, ['SIGHUP: reloading the configuration', 'serve state: reloading -> reloading', 'SIGTERM: stopping', 'stopped']);
  });

  test('a reload that fails unexpectedly is logged, and serving goes on', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'info' }, new Writable({ write: (c: Buffer, _e, done) => (lines.push(JSON.parse(c.toString()).msg), done()) }));
    const serve = new ServeLifecycle(log, { reload: () => Promise.reject(new Error('EMFILE')), stop: async () => 0 });
    serve.reload();
    await settle();
    assert.equal(serve.state.status, 'serving');
    assert.ok(lines.includes('configuration reload failed: EMFILE'), lines.join('\n'));
    serve.reload();
    assert.equal(serve.state.status, 'reloading', 'the next SIGHUP reloads again');
  });
});
