import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { check, defaults } from './check.js';

describe('http-listen, http-allow, http-host, http-token', () => {
  test('by default reads are on 127.0.0.1:8991, for loopback, with no token', async () => {
    const { config } = await check('service DB;\n');
    assert.deepEqual(config, defaults());
  });

  test('several addresses, other readers, a token', async () => {
    const { config, errors } = await check('service DB;\nhttp-listen 127.0.0.1:9100;\nhttp-listen [::1]:9100;\nhttp-allow 10.1.0.0/16;\nhttp-token s3cret-T0ken;\n');
    assert.deepEqual(errors, []);
    assert.deepEqual(config?.httpListen, [{ host: '127.0.0.1', port: 9100 }, { host: '::1', port: 9100 }]);
    assert.deepEqual(config?.httpAllow.map((c) => c.text), ['10.1.0.0/16']);
    assert.equal(config?.httpToken, 's3cret-T0ken');
  });

  test('http-host names, lower-cased and without a final dot; an address or a bad name is refused, saying why', async () => {
    const ok = await check('service DB;\nhttp-host Metrics.Example.NET. prom;\nhttp-host other.example;\n');
    assert.deepEqual(ok.errors, []);
    assert.deepEqual(ok.config?.httpHosts, ['metrics.example.net', 'prom', 'other.example']);
    const bad = await check('service DB;\nhttp-host 10.0.0.1 under_score;\n');
    assert.deepEqual(bad.errors, [
      "test.conf:2:11: bad http-host '10.0.0.1' (a DNS name such as stevedore.example.net; addresses need no http-host)",
      "test.conf:2:20: bad http-host 'under_score' (a DNS name such as stevedore.example.net; addresses need no http-host)",
    ]);
  });

  test('http-listen none turns the read listener off', async () => {
    const { config } = await check('service DB;\nhttp-listen none;\n');
    assert.deepEqual(config?.httpListen, []);
  });

  test('an empty token is said to be empty', async () => {
    const { errors } = await check('service DB;\nhttp-token "";\ntoken "";\n');
    assert.deepEqual(errors, [
      'test.conf:2:12: bad token: it is empty (give a token of only A-Z a-z 0-9 - . _ ~ + / and trailing =, or leave the statement out for none)',
      'test.conf:3:7: bad token: it is empty (give a token of only A-Z a-z 0-9 - . _ ~ + / and trailing =, or leave the statement out for none)',
    ]);
  });

  test('mistakes say what to write, and never repeat the token', async () => {
    const { errors } = await check(
      'service DB;\nhttp-listen 127.0.0.1;\nhttp-listen 127.0.0.1:9100;\nhttp-listen 127.0.0.1:9100;\nhttp-listen none;\nhttp-allow 10.0.0.0/33;\nhttp-token "sec ret";\n',
    );
    assert.deepEqual(errors, [
      "test.conf:2:13: bad address '127.0.0.1': the port is missing (use ADDRESS:PORT, as 127.0.0.1:8991 or [::1]:8991, or 'none')",
      "test.conf:4:13: http-listen '127.0.0.1:9100': already given (see test.conf:3)",
      "test.conf:5:13: http-listen 'none': 'http-listen none' turns the read listener off: give addresses or none, not both (see test.conf:3)",
      errors[3] as string,
      'test.conf:7:12: bad token: use only A-Z a-z 0-9 - . _ ~ + / and trailing = (a bearer token, as tallyman --token takes)',
    ]);
    assert.match(errors[3] as string, /^test\.conf:6:12: /);
  });
});
