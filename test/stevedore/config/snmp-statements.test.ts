import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { check } from './check.js';

describe('the embedded agent\'s statements', () => {
  test('snmp-user blocks, trap sinks, contact and location, community none', async () => {
    const { config, errors } = await check(
      'service DB;\nsnmp-community none;\nsnmp-contact "ops";\nsnmp-location "rack 4";\n' +
        'snmp-user ops { auth sha512 "a long pass"; priv aes256 privpass1; }\nsnmp-user reader { auth sha authpass1; }\nsnmp-user guest;\n' +
        'snmp-trap-sink 192.0.2.1;\nsnmp-trap-sink [::1]:1162 traps;\nsnmp-trap-sink 127.0.0.1:162 user ops;\n',
    );
    assert.deepEqual(errors, []);
    assert.equal(config!.snmpCommunity, null);
    assert.equal(config!.snmpContact, 'ops');
    assert.equal(config!.snmpLocation, 'rack 4');
    assert.deepEqual(
      config!.snmpUsers.map((u) => [u.name, u.auth, u.priv]),
      [
        ['ops', { protocol: 'sha512', password: 'a long pass' }, { protocol: 'aes256', password: 'privpass1' }],
        ['reader', { protocol: 'sha', password: 'authpass1' }, null],
        ['guest', null, null],
      ],
    );
    assert.deepEqual(
      config!.snmpTrapSinks.map((s) => ({ ...s, declaredAt: undefined })),
      [
        { address: { host: '192.0.2.1', port: 162 }, community: null, declaredAt: undefined },
        { address: { host: '::1', port: 1162 }, community: 'traps', declaredAt: undefined },
        { address: { host: '127.0.0.1', port: 162 }, user: 'ops', declaredAt: undefined },
      ],
    );
  });

  test('every mistake at its place, and no password repeated', async () => {
    const { errors } = await check(
      'service DB;\nsnmp-user ops { auth md5 authpass1; priv aes short; }\nsnmp-user ops;\nsnmp-user bad { priv aes privpass1; }\n' +
        'snmp-trap-sink 127.0.0.1 user nobody;\nsnmp-trap-sink 127.0.0.1 x y;\nauth sha authpass1;\nsnmp-user u { ttl 5s; }\n',
    );
    assert.deepEqual(errors, [
      'test.conf:2:22: snmp-user ops: auth takes PROTOCOL PASSWORD (sha, sha256 or sha512, then the password): its first argument is not a protocol',
      "test.conf:2:46: snmp-user 'ops': the priv password is too short (at least 8 characters)",
      "test.conf:3:11: snmp-user 'ops' already defined at test.conf:2",
      "test.conf:4:1: snmp-user 'bad': priv needs auth (the USM encrypts only authenticated messages)",
      "test.conf:6:26: 'snmp-trap-sink' takes HOST[:PORT] COMMUNITY or HOST[:PORT] user NAME",
      "test.conf:7:1: 'auth' belongs in an snmp-user block: snmp-user NAME { auth ...; }",
      "test.conf:8:15: 'ttl' is not allowed in a snmp-user block (only auth, priv)",
      "test.conf:5:1: snmp-trap-sink names snmp-user 'nobody', which is not defined",
]);
    assert.ok(!errors.join('\n').includes('short;'));
  });
});
