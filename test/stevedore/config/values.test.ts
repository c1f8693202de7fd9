import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAgentxAddress, parseHostPort, shownAddress } from '../../../src/stevedore/config/values/address.js';
import { parseCidr } from '../../../src/stevedore/config/values/cidr.js';
import { parseDuration } from '../../../src/stevedore/config/values/duration.js';
import { formatIp, parseIPv6 } from '../../../src/stevedore/config/values/ip.js';
import { parseSize } from '../../../src/stevedore/config/values/size.js';
import { closest } from '../../../src/stevedore/config/suggest.js';

const value = <T>(v: { ok: true; value: T } | { ok: false; message: string }): T | string => (v.ok ? v.value : v.message);

describe('values', () => {
  test('durations in milliseconds, up to 24 days', () => {
    assert.deepEqual(['30', '30s', '5m', '2h', '1d', '24d'].map((t) => value(parseDuration(t))), [30_000, 30_000, 300_000, 7_200_000, 86_400_000, 2_073_600_000]);
    assert.deepEqual(['', '5 s', '-5s', '1.5m', '5S'].map((t) => parseDuration(t).ok), [false, false, false, false, false]);
  });

  test('sizes in bytes, binary multiples', () => {
    assert.deepEqual(['0', '512', '4k', '4K', '1M', '1024M'].map((t) => value(parseSize(t))), [0, 512, 4096, 4096, 1_048_576, 1_073_741_824]);
  });

  test('IPv6 written back as RFC 5952 recommends', () => {
    const cases: [string, string][] = [
      ['::', '::'],
      ['::1', '::1'],
      ['2001:DB8:0:0:8:800:200C:417A', '2001:db8::8:800:200c:417a'],
      ['2001:db8:0:1:0:0:0:1', '2001:db8:0:1::1'],
      ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
      ['2001:db8:1:2:3:4:0:5', '2001:db8:1:2:3:4:0:5'],
      ['::ffff:192.0.2.1', '::ffff:c000:201'],
      ['fe80::', 'fe80::'],
    ];
    for (const [text, expected] of cases) assert.equal(formatIp(parseIPv6(text) as number[]), expected, text);
    assert.equal(parseIPv6('fe80::1%eth0'), null);
  });

  test('a refused address is repeated only up to a host that is one and a port of digits', () => {
    const cases: [string, string | null][] = [
      ['127.0.0.1:99999', '127.0.0.1:99999'],
      ['[::1]:0', '[::1]:0'],
      ['fe80::1%eth0', 'fe80::1%eth0'],
      ['localhost:x1', 'localhost:...'],
      ['etcd.example.com:Pa55word', 'etcd.example.com:...'],
      ['https://10.0.0.1:2379/v3?password=Pa55word', 'https://10.0.0.1:2379...'],
      ['10.0.0.1:2379#Pa55word', '10.0.0.1:2379...'],
      ['http://user:Pa55@word@10.0.0.1:2379', 'http://***@10.0.0.1:2379'],
      ['root:Pa55word', null],
      ['Pa55word', null],
      ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.dBjftJeZ4CVPmB92K27uhbUJU1p1r', null],
      ['--user', null],
    ];
    for (const [text, shown] of cases) assert.equal(shownAddress(text), shown, text);
  });

  test('CIDRs: both families, a lone address, prefix bounds', () => {
    assert.deepEqual(value(parseCidr('0.0.0.0/0')), { family: 4, address: '0.0.0.0', prefix: 0, text: '0.0.0.0/0' });
    assert.deepEqual(value(parseCidr('fd00::1')), { family: 6, address: 'fd00::1', prefix: 128, text: 'fd00::1' });
    assert.deepEqual(value(parseCidr('172.16.0.0/12')), { family: 4, address: '172.16.0.0', prefix: 12, text: '172.16.0.0/12' });
    assert.equal(value(parseCidr('172.17.0.0/12')), "bad CIDR '172.17.0.0/12': host bits are set (did you mean 172.16.0.0/12?)");
    assert.equal(value(parseCidr('10.0.0.0/33')), "bad CIDR '10.0.0.0/33': an IPv4 prefix length is at most 32");
    for (const bad of ['10.0.0.0/', '/8', '10.0.0/8', '010.0.0.0/8', 'fd00::/-1', 'fe80::1%eth0/64']) assert.equal(parseCidr(bad).ok, false, bad);
  });

  test('HOST[:PORT]', () => {
    const listen = (t: string) => value(parseHostPort(t, 8990, 'X'));
    assert.deepEqual(listen('0.0.0.0'), { host: '0.0.0.0', port: 8990 });
    assert.deepEqual(listen('[::]:1'), { host: '::', port: 1 });
    assert.deepEqual(listen('fe80::1'), { host: 'fe80::1', port: 8990 });
    assert.deepEqual(listen('stevedore.example.:65535'), { host: 'stevedore.example.', port: 65535 });
    for (const bad of ['', ':8990', '1.2.3.4:', '1.2.3.4:65536', '[1.2.3.4]:1', '[::1', 'under_score', '-x.example', 'a..b']) assert.equal(parseHostPort(bad, 8990, 'X').ok, false, bad);
  });

  test('the AgentX master: paths, unix:, tcp:, none', () => {
    assert.deepEqual(value(parseAgentxAddress('/var/agentx/master')), { kind: 'unix', path: '/var/agentx/master' });
    assert.deepEqual(value(parseAgentxAddress('unix:/x')), { kind: 'unix', path: '/x' });
    assert.deepEqual(value(parseAgentxAddress('tcp:localhost:705')), { kind: 'tcp', host: 'localhost', port: 705 });
    assert.equal(value(parseAgentxAddress('none')), null);
    for (const bad of ['unix:relative', 'tcp:', 'tcp:host', 'udp:1.2.3.4:705', 'master']) assert.equal(parseAgentxAddress(bad).ok, false, bad);
  });

  test('"did you mean": one or two letters off, or a prefix; nothing for a stranger', () => {
    assert.equal(closest('servce', ['service', 'listen']), 'service');
    assert.equal(closest('LISTEN', ['service', 'listen']), 'listen');
    assert.equal(closest('warning', ['warn', 'error']), 'warn');
    assert.equal(closest('frobnicate', ['service', 'listen']), null);
    assert.equal(closest('tt', ['ttl', 'expire']), 'ttl');
    assert.equal(closest('xy', ['ttl', 'expire']), null);
  });
});
