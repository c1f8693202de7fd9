import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatAddress, parseServer } from '../../src/tallyman/server.js';
import { UsageError } from '../../src/tallyman/usage-error.js';

describe('collector address', () => {
  const cases: [string, { host?: string; port: number }][] = [
    ['10.0.0.1:9000', { host: '10.0.0.1', port: 9000 }],
    ['collector.example:8990', { host: 'collector.example', port: 8990 }],
    [':9000', { port: 9000 }],
    ['10.0.0.1', { host: '10.0.0.1', port: 8990 }],
    ['stevedore', { host: 'stevedore', port: 8990 }],
    ['[::1]:8991', { host: '::1', port: 8991 }],
    ['[fd00::1]', { host: 'fd00::1', port: 8990 }],
    ['fd00::1', { host: 'fd00::1', port: 8990 }],
  ];
  for (const [text, expected] of cases) {
    test(`'${text}'`, () => assert.deepEqual(parseServer(text, '--server'), expected));
  }

  const malformed: [string, RegExp][] = [
    ['10.0.0.1:', /port must be a number from 1 to 65535/],
    ['10.0.0.1:0', /port must be a number from 1 to 65535/],
    ['10.0.0.1:65536', /port must be a number from 1 to 65535/],
    ['10.0.0.1:http', /port must be a number/],
    ['', /is not HOST:PORT/],
    ['a b:1', /is not HOST:PORT/],
    ['[nope]:1', /'nope' is not an IPv6 address/],
    ['1:2:x', /IPv6 addresses go in brackets/],
    ['http://10.0.0.1:8990', /is not HOST:PORT|port must be/],
  ];
  for (const [text, message] of malformed) {
    test(`'${text}' is refused, naming where it came from`, () => {
      assert.throws(() => parseServer(text, 'TALLYMAN_SERVER'), (e: unknown) => e instanceof UsageError && message.test(e.message) && e.message.startsWith('TALLYMAN_SERVER'));
    });
  }

  test('an address with credentials is refused without repeating them', () => {
    assert.throws(
      () => parseServer('user:SEKRIT@10.0.0.1:8990', 'TALLYMAN_SERVER'),
      (e: unknown) => e instanceof UsageError && !e.message.includes('SEKRIT') && e.message === "TALLYMAN_SERVER '***@10.0.0.1:8990' holds credentials (USER:PASSWORD@), which are not supported here: give HOST:PORT only",
    );
  });

  test('IPv6 is printed in brackets', () => {
    assert.equal(formatAddress({ host: '::1', port: 8990 }), '[::1]:8990');
    assert.equal(formatAddress({ host: '127.0.0.1', port: 8990 }), '127.0.0.1:8990');
  });
});
