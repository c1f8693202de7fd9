import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { decrypt, encrypt, localizeKey, mac, passwordToKey, privKey } from '../../src/snmp/usm-keys.js';

const ENGINE = Buffer.from('000000000000000000000002', 'hex');

describe('USM keys', () => {
  test('RFC 3414 A.3.2: SHA-1 password to key and localization ("maplesyrup")', () => {
    const ku = passwordToKey('sha', 'maplesyrup');
    assert.equal(ku.toString('hex'), '9fb5cc0381497b3793528939ff788d5d79145211');
    assert.equal(localizeKey('sha', ku, ENGINE).toString('hex'), '6695febc9288e36282235fc7151f128497b38f3f');
  });

  // RFC 7860 applies the RFC 3414 algorithm with SHA-2 (section 9.3) and gives no vectors of
  // its own: these are pysnmp's (an implementation independent of this one), same inputs.
  test('RFC 7860: SHA-256 and SHA-512 keys, as pysnmp computes them', () => {
    const k256 = passwordToKey('sha256', 'maplesyrup');
    assert.equal(k256.toString('hex'), 'ab51014d1e077f6017df2b12bee5f5aa72993177e9bb569c4dff5a4ca0b4afac');
    assert.equal(localizeKey('sha256', k256, ENGINE).toString('hex'), '8982e0e549e866db361a6b625d84cccc11162d453ee8ce3a6445c2d6776f0f8b');
    const k512 = passwordToKey('sha512', 'maplesyrup');
    assert.equal(
      localizeKey('sha512', k512, ENGINE).toString('hex'),
      '22a5a36cedfcc085807a128d7bc6c2382167ad6c0dbc5fdff856740f3d84c099ad1ea87a8db096714d9788bd544047c9021e4229ce27e4c0a69250adfcffbb0b',
    );
  });

  test('AES-256 with SHA-1: the Blumenthal extension K || H(K), as pysnmp and Net-SNMP do', () => {
    assert.equal(privKey('sha', 'aes256', 'maplesyrup', ENGINE).toString('hex'), '6695febc9288e36282235fc7151f128497b38f3f505e07eb9af25568fa1f5dbe');
    assert.equal(privKey('sha', 'aes', 'maplesyrup', ENGINE).toString('hex'), '6695febc9288e36282235fc7151f1284');
  });

  test('the MAC is the HMAC cut to the protocol\'s length (RFC 3414 section 6.3.1, RFC 7860 section 4.2.1)', () => {
    const key = Buffer.alloc(20, 1);
    const message = Buffer.from('message');
    assert.deepEqual(mac('sha', key, message), createHmac('sha1', key).update(message).digest().subarray(0, 12));
    assert.equal(mac('sha256', Buffer.alloc(32), message).length, 24);
    assert.equal(mac('sha512', Buffer.alloc(64), message).length, 48);
  });

  test('AES-CFB round trip, and the IV depends on boots, time and salt (RFC 3826 section 3.1.2.1)', () => {
    const key = Buffer.alloc(16, 7);
    const salt = Buffer.from('0102030405060708', 'hex');
    const plain = Buffer.from('a scoped PDU of 27 octets..');
    const c = encrypt('aes', key, 1, 2, salt, plain);
    assert.equal(c.length, plain.length);
    assert.deepEqual(decrypt('aes', key, 1, 2, salt, c), plain);
    assert.notDeepEqual(decrypt('aes', key, 1, 3, salt, c), plain);
  });
});
