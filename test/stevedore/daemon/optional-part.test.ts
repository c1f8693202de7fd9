import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OptionalPart } from '../../../src/stevedore/optional-part.js';

interface Settings {
  socket: string | null;
  logLevel: string;
}

describe('a part the configuration turns on', () => {
  const part = () => {
    const events: string[] = [];
    const optional = new OptionalPart<Settings, { socket: string }>({
      settings: (c) => c.socket,
      start: (c) => {
        if (c.socket === null) return null;
        events.push(`start ${c.socket}`);
        return { socket: c.socket };
      },
      stop: async (p) => void events.push(`stop ${p.socket}`),
    });
    return { optional, events };
  };

  test('starts for the first configuration, is left alone by a reload that changes other settings, restarts when its own change', async () => {
    const { optional, events } = part();
    await optional.apply({ socket: '/a', logLevel: 'info' });
    await optional.apply({ socket: '/a', logLevel: 'debug' });
    assert.deepEqual(events, ['start /a']);
    await optional.apply({ socket: '/b', logLevel: 'debug' });
    assert.deepEqual(events, ['start /a', 'stop /a', 'start /b']);
    assert.deepEqual(optional.current, { socket: '/b' });
  });

  test('turned off by a reload, on again by the next; stopped at shutdown', async () => {
    const { optional, events } = part();
    await optional.apply({ socket: null, logLevel: 'info' });
    assert.equal(optional.current, null);
    await optional.apply({ socket: '/a', logLevel: 'info' });
    await optional.apply({ socket: null, logLevel: 'info' });
    assert.equal(optional.current, null);
    await optional.apply({ socket: '/a', logLevel: 'info' });
    await optional.stop();
    assert.equal(optional.current, null);
    assert.deepEqual(events, ['start /a', 'stop /a', 'start /a', 'stop /a']);
  });
});
