import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultRetryStrategy, formatAgentxAddress, parseAgentxAddress } from '../../src/agentx/index.js';

const TIMEOUT = { timeout: 10_000 };

describe('AgentX addresses, written as snmpd.conf agentXSocket writes them', TIMEOUT, () => {
  test('unix sockets, with or without the prefix', () => {
    assert.deepEqual(parseAgentxAddress('unix:/var/agentx/master'), { transport: 'unix', path: '/var/agentx/master' });
    assert.deepEqual(parseAgentxAddress('/run/agentx.sock'), { transport: 'unix', path: '/run/agentx.sock' });
  });

  test('tcp with host and port, an IPv6 host, or a port alone', () => {
    assert.deepEqual(parseAgentxAddress('tcp:127.0.0.1:705'), { transport: 'tcp', host: '127.0.0.1', port: 705 });
    assert.deepEqual(parseAgentxAddress('tcp:[::1]:705'), { transport: 'tcp', host: '::1', port: 705 });
    assert.deepEqual(parseAgentxAddress('tcp:705'), { transport: 'tcp', host: 'localhost', port: 705 });
    assert.equal(formatAgentxAddress(parseAgentxAddress('tcp:[::1]:705')), 'tcp:[::1]:705');
  });

  test('anything else is refused with what to write instead', () => {
    for (const bad of ['', 'udp:127.0.0.1:705', 'tcp:host:0', 'tcp:host:99999', 'relative/path', 'unix:']) {
      assert.throws(() => parseAgentxAddress(bad), (e: Error & { code?: string }) => e.code === 'AGENTX_CONFIG' && /unix:\/PATH/.test(e.message), bad);
    }
  });
});

describe('the default reconnect delays', TIMEOUT, () => {
  test('100 ms, doubling, at most 1 s, never giving up', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6, 1000].map(defaultRetryStrategy), [100, 200, 400, 800, 1000, 1000, 1000]);
  });
});
