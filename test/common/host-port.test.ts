import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatHostPort, isUnspecifiedHost, parseHostPort, withoutUserinfo } from '../../src/common/host-port.js';

describe('HOST:PORT', () => {
  it('reads a host and a port, IPv4, host names and bracketed IPv6', () => {
    assert.deepEqual(parseHostPort('127.0.0.1:8990'), { ok: true, value: { host: '127.0.0.1', port: 8990 } });
    assert.deepEqual(parseHostPort('etcd-1.example.net:2379'), { ok: true, value: { host: 'etcd-1.example.net', port: 2379 } });
    assert.deepEqual(parseHostPort('[::1]:161'), { ok: true, value: { host: '::1', port: 161 } });
  });

  it('takes the default port when none is written, and a bare IPv6 address as a host', () => {
    assert.deepEqual(parseHostPort('10.0.0.1', { defaultPort: 2379 }), { ok: true, value: { host: '10.0.0.1', port: 2379 } });
    assert.deepEqual(parseHostPort('fe80::1', { defaultPort: 8990 }), { ok: true, value: { host: 'fe80::1', port: 8990 } });
    assert.deepEqual(parseHostPort('[::1]', { defaultPort: 8990 }), { ok: true, value: { host: '::1', port: 8990 } });
  });

  it('accepts :PORT only where the host may come from elsewhere', () => {
    assert.deepEqual(parseHostPort(':9000', { hostOptional: true }), { ok: true, value: { host: '', port: 9000 } });
    assert.equal(parseHostPort(':9000').ok, false);
  });

  it('says what is wrong', () => {
    const reasons = ['10.0.0.1', '10.0.0.1:0', '10.0.0.1:65536', 'a b:1', '10.0.0.1:80:90', '[10.0.0.1]:1', 'host:port'].map((text) => {
      const result = parseHostPort(text);
      assert.equal(result.ok, false, text);
      return result.ok ? '' : result.reason;
    });
    assert.deepEqual(reasons, [
      'has no port (write HOST:PORT)',
      'has a bad port: it must be a number from 1 to 65535',
      'has a bad port: it must be a number from 1 to 65535',
      'is not HOST:PORT (IPv6 addresses go in brackets: [::1]:8990)',
      'is not HOST:PORT (IPv6 addresses go in brackets: [::1]:8990)',
      "'10.0.0.1' is not an IPv6 address",
      'has a bad port: it must be a number from 1 to 65535',
    ]);
  });

  it('names the problem, for callers that word their own messages', () => {
    const problems = ['10.0.0.1', '10.0.0.1:0', 'a b:1', '[10.0.0.1]:1'].map((text) => {
      const result = parseHostPort(text);
      return result.ok ? 'ok' : result.problem;
    });
    assert.deepEqual(problems, ['no-port', 'bad-port', 'not-host-port', 'not-ipv6']);
  });

  it('refuses credentials, and repeats an address without them, whatever the password holds', () => {
    const refused = parseHostPort('user:pa55@10.0.0.1:2379', { defaultPort: 2379 });
    assert.equal(refused.ok ? 'ok' : refused.problem, 'credentials');
    const shown = ['http://user:pa55@10.0.0.1:2379', 'user:p@ss/w:rd@etcd:2379', 'https://@x@[::1]:2379', '10.0.0.1:2379'].map(withoutUserinfo);
    assert.deepEqual(shown, ['http://***@10.0.0.1:2379', '***@etcd:2379', 'https://***@[::1]:2379', '10.0.0.1:2379']);
  });

  it('writes IPv6 hosts in brackets', () => {
    assert.equal(formatHostPort({ host: '::1', port: 161 }), '[::1]:161');
    assert.equal(formatHostPort({ host: '172.17.0.1', port: 8990 }), '172.17.0.1:8990');
  });

  it('tells the unspecified addresses, 0.0.0.0 and :: however written, from addresses one can connect to', () => {
    const hosts = ['0.0.0.0', '::', '0:0:0:0:0:0:0:0', '::0', '127.0.0.1', '::1', '0.0.0.1', 'localhost', ''];
    assert.deepEqual(hosts.filter(isUnspecifiedHost), ['0.0.0.0', '::', '0:0:0:0:0:0:0:0', '::0']);
  });
});
