import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readsAre } from '../../../src/stevedore/collector/reads-are.js';

describe('where reads are, as the 404 of the report listener names it', () => {
  test('a read listener on a given address is named by it, whatever address the request came to', () => {
    assert.equal(readsAre([{ host: '127.0.0.1', port: 8991 }, { host: '::1', port: 8991 }], '10.0.0.5'), 'reads are on the read listener (http-listen): http://127.0.0.1:8991, http://[::1]:8991');
  });

  test('one on 0.0.0.0 or :: is named by the address the request came to, with the read port', () => {
    assert.equal(readsAre([{ host: '0.0.0.0', port: 8991 }], '10.0.0.5'), 'reads are on the read listener (http-listen): http://10.0.0.5:8991');
    assert.equal(readsAre([{ host: '::', port: 9000 }], 'fd00::5'), 'reads are on the read listener (http-listen): http://[fd00::5]:9000');
    assert.equal(readsAre([{ host: '::', port: 9000 }], '::ffff:10.0.0.5'), 'reads are on the read listener (http-listen): http://10.0.0.5:9000', 'IPv4 on a dual-stack socket');
  });

  test('one on 0.0.0.0 asked over IPv6 is named by its port: it takes IPv4 only', () => {
    assert.equal(readsAre([{ host: '0.0.0.0', port: 8991 }, { host: '::', port: 8992 }], 'fd00::5'), 'reads are on the read listener (http-listen): port 8991 of any IPv4 address of this host, http://[fd00::5]:8992');
  });

  test('with http-listen none: the read listener is off, and how to turn it on', () => {
    assert.match(readsAre([], '10.0.0.5'), /^the read listener is off \(http-listen none\); to turn it on, write http-listen ADDRESS:PORT; in its place .* and restart stevedore$/);
  });
});
