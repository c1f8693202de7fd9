import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isOwnHost, ownHostNames } from '../../../src/stevedore/http/host-header.js';

describe('a Host header that names this host', () => {
  const names = ownHostNames('Box.example.net');

  test('this host answers to localhost and its name with and without the domain, in any case', () => {
    assert.deepEqual([...names], ['localhost', 'box.example.net', 'box']);
    assert.deepEqual([...ownHostNames('box')], ['localhost', 'box']);
  });

  test('IP literals, localhost and the own names pass, with or without a port', () => {
    for (const host of ['127.0.0.1', '127.0.0.1:8991', '192.0.2.7', '[::1]', '[::1]:8991', '[fe80::1]', 'localhost', 'LOCALHOST:8991', 'box', 'BOX.example.net:8991']) {
      assert.equal(isOwnHost(host, names), true, host);
    }
  });

  test('other names, names that only look local, an IPv6 address without brackets, an empty or broken Host are refused', () => {
    for (const host of ['attacker.example', 'attacker.example:8991', 'localhost.attacker.example', 'box.attacker.example', 'localhost.', '127.0.0.1.nip.io', '::1', '', '[::1', '127.0.0.1:99999', 'a b']) {
      assert.equal(isOwnHost(host, names), false, host);
    }
  });

  test('a dotted own name written fully qualified passes; a single label with a final dot does not', () => {
    for (const host of ['box.example.net.', 'BOX.EXAMPLE.NET.:8991']) assert.equal(isOwnHost(host, names), true, host);
    for (const host of ['box.', 'localhost.:8991', 'attacker.example.']) assert.equal(isOwnHost(host, names), false, host);
  });

  test('a request without Host (HTTP/1.0; a browser always sends one) passes', () => {
    assert.equal(isOwnHost(undefined, names), true);
  });
});
