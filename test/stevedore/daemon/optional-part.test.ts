import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyInOrder, OptionalPart } from '../../../src/stevedore/optional-part.js';

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

describe('parts that use a shared part (the etcd connection and its users)', () => {
  interface Config {
    endpoints: string;
    prefix: string;
    cluster: string;
  }
  const parts = () => {
    const events: string[] = [];
    const part = <T>(name: string, settings: (c: Config) => unknown, uses: OptionalPart<Config, unknown>[] = []) =>
      new OptionalPart<Config, T>({
        settings,
        uses,
        start: (c) => {
          events.push(`start ${name} ${JSON.stringify(settings(c))}`);
          return { name } as T;
        },
        stop: () => void events.push(`stop ${name}`),
      });
    const connection = part<{ name: string }>('connection', (c) => c.endpoints);
    const sink = part<{ name: string }>('sink', (c) => c.prefix, [connection]);
    const cluster = part<{ name: string }>('cluster', (c) => c.cluster, [connection]);
    return { events, connection, sink, cluster, all: [connection, sink, cluster] };
  };
  const first: Config = { endpoints: 'a:2379', prefix: '/SERVICE', cluster: 'c1' };

  test('a reload of one user\'s settings restarts that user only; one of the shared part\'s restarts both users on the new one, stopping them first', async () => {
    const { events, all } = parts();
    await applyInOrder(all, first);
    assert.deepEqual(events.splice(0), ['start connection "a:2379"', 'start sink "/SERVICE"', 'start cluster "c1"']);
    await applyInOrder(all, { ...first, prefix: '/other' });
    assert.deepEqual(events.splice(0), ['stop sink', 'start sink "/other"']);
    await applyInOrder(all, { ...first, prefix: '/other', cluster: 'c2' });
    assert.deepEqual(events.splice(0), ['stop cluster', 'start cluster "c2"']);
    await applyInOrder(all, { endpoints: 'b:2379', prefix: '/other', cluster: 'c2' });
    assert.deepEqual(events.splice(0), ['stop cluster', 'stop sink', 'stop connection', 'start connection "b:2379"', 'start sink "/other"', 'start cluster "c2"']);
  });

  test('a part listed before a part it uses is refused', async () => {
    const { connection, sink } = parts();
    await assert.rejects(applyInOrder([sink, connection], first), /listed before a part it uses/);
  });
});
