import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CodedError } from '../../src/common/coded-error.js';
import { systemTime, wallAt } from '../../src/common/time.js';
import { FakeTime } from '../harness/fake-time.js';

describe('time', () => {
  it('shows a monotonic instant as wall time, and a wall step moves no monotonic instant', () => {
    const time = new FakeTime(Date.parse('2026-11-30T12:00:00Z'));
    const at = time.monotonic();
    time.advance(5_000);
    assert.equal(new Date(wallAt(time, at)).toISOString(), '2026-11-30T12:00:00.000Z');
    time.stepWall(-3_600_000);
    assert.equal(time.monotonic() - at, 5_000);
    assert.equal(new Date(wallAt(time, at)).toISOString(), '2026-11-30T11:00:00.000Z');
  });

  it('runs timers and intervals in order as time advances, and none after they are cleared', () => {
    const time = new FakeTime();
    const seen: string[] = [];
    const every = time.setInterval(() => seen.push(`tick ${time.monotonic() % 10_000}`), 1_000);
    time.setTimeout(() => seen.push('once'), 1_500);
    time.advance(2_500);
    time.clearInterval(every);
    time.advance(5_000);
    assert.deepEqual(seen, ['tick 1000', 'once', 'tick 2000']);
    assert.equal(time.pending, 0);
  });

  it('the system clocks: monotonic never goes back, wall is the epoch', () => {
    const a = systemTime.monotonic();
    const b = systemTime.monotonic();
    assert.ok(b >= a);
    assert.ok(Math.abs(systemTime.wall() - Date.now()) < 1_000);
  });
});

describe('coded errors', () => {
  it('carry a stable code and their class name', () => {
    class ExampleError extends CodedError<'EXAMPLE_BROKEN'> {}
    const error = new ExampleError('EXAMPLE_BROKEN', 'it broke: do this');
    assert.equal(error.code, 'EXAMPLE_BROKEN');
    assert.equal(error.name, 'ExampleError');
    assert.ok(error instanceof Error);
  });
});
