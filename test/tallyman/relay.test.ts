import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { setImmediate as turn } from 'node:timers/promises';
import { OutputCapture } from '../../src/tallyman/capture.js';
import { Relay } from '../../src/tallyman/relay.js';
import { FakeTime } from '../harness/fake-time.js';

/** A sink whose reader takes each write only when the test says so (or fails every write). */
class SlowSink extends Writable {
  readonly taken: Buffer[] = [];
  writes = 0;
  private pending: (() => void)[] = [];

  constructor(private readonly failing = false) {
    super({ highWaterMark: 4 });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.writes++;
    if (this.failing) {
      callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      return;
    }
    this.pending.push(() => {
      this.taken.push(chunk);
      callback();
    });
  }

  /** The reader takes everything written so far. */
  take(): void {
    const pending = this.pending;
    this.pending = [];
    for (const done of pending) done();
  }

  text(): string {
    return Buffer.concat(this.taken).toString();
  }
}

function setUp(sink = new SlowSink()) {
  const source = new PassThrough();
  const capture = new OutputCapture(64);
  const time = new FakeTime();
  const relay = new Relay(source, sink, capture, time);
  return { source, sink, capture, time, relay };
}

describe('relaying a command\'s output at the reader\'s pace', () => {
  test('a full sink pauses reading until its reader takes the output; every byte arrives, in order', async () => {
    const { source, sink, capture } = setUp();
    source.write('aaaa');
    await turn();
    assert.equal(source.isPaused(), true, 'reading paused while the reader is behind');
    source.write('bbbb');
    await turn();
    assert.equal(sink.writes, 1, 'nothing more handed to the sink before it drained');
    sink.take();
    await turn();
    assert.equal(sink.writes, 2, 'drained: the next chunk handed to the sink');
    sink.take();
    assert.equal(sink.text(), 'aaaabbbb');
    assert.equal(capture.text(), 'aaaabbbb');
  });

  test('a sink whose reader went away: the rest is read for the capture, never waited for', async () => {
    const { source, sink, capture } = setUp(new SlowSink(true));
    sink.on('error', () => {});
    source.write('first ');
    await turn();
    source.write('second ');
    source.write('third');
    await turn();
    assert.equal(source.isPaused(), false);
    assert.equal(sink.writes, 1, 'no write after the failure');
    assert.equal(capture.text(), 'first second third');
  });

  test('abandoned while waiting on the sink: reading resumes, and nothing more is passed on', async () => {
    const { source, sink, capture, relay } = setUp();
    source.write('aaaa');
    await turn();
    assert.equal(source.isPaused(), true);
    relay.abandon();
    source.write('bbbb');
    await turn();
    assert.equal(source.isPaused(), false);
    assert.equal(sink.writes, 1);
    assert.equal(capture.text(), 'aaaabbbb');
  });

  test('after the command exits, a pipe held open is let go after the linger time; what was read is passed on', async () => {
    const { source, sink, time, relay } = setUp();
    source.write('aaaa');
    await turn();
    sink.take();
    await turn();
    relay.linger(200);
    time.advance(199);
    assert.equal(source.destroyed, false);
    time.advance(1);
    assert.equal(source.destroyed, true);
    assert.equal(sink.text(), 'aaaa');
  });

  test('time spent waiting for a slow reader does not count against the linger time', async () => {
    const { source, sink, time, relay } = setUp();
    source.write('aaaa');
    await turn();
    time.advance(50);
    relay.linger(200);
    time.advance(60_000);
    assert.equal(source.destroyed, false, 'still waiting on the reader, not reading');
    sink.take();
    await turn();
    time.advance(199);
    assert.equal(source.destroyed, false);
    time.advance(1);
    assert.equal(source.destroyed, true);
    assert.equal(sink.text(), 'aaaa');
  });

  test('a pipe that closes in time ends the linger clock', async () => {
    const { source, sink, time, relay } = setUp();
    source.write('aa');
    await turn();
    relay.linger(200);
    assert.equal(time.pending, 1);
    const closed = new Promise((resolve) => source.once('close', resolve));
    source.end();
    await closed;
    assert.equal(time.pending, 0);
    sink.take();
    assert.equal(sink.text(), 'aa');
  });
});
