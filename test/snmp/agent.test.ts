import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { integer32 } from '../../src/agentx/mib/smi.js';
import { MibViewBuilder } from '../../src/agentx/mib/view.js';
import { SnmpAgent } from '../../src/snmp/agent.js';

const view = new MibViewBuilder().scalar('1.3.6.1.2.1.1.7', () => integer32(72)).build();
const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');
/** v2c GetRequest, community "public", request-id 1, sysServices.0. */
const GET_V2C = hex('3026 020101 04067075626c6963 a019 020101 020100 020100 300e 300c 06082b06010201010700 0500');

describe('the SNMP agent, datagram in, datagram out', () => {
  test('a v2c Get answered byte for byte', () => {
    const agent = new SnmpAgent({ view, communities: ['public'], usm: null, uptime: () => 0 });
    const reply = agent.handle(GET_V2C);
    assert.equal(reply?.toString('hex'), hex('3027 020101 04067075626c6963 a21a 020101 020100 020100 300f 300d 06082b06010201010700 020148').toString('hex'));
    assert.deepEqual(agent.counters, { requests: 1, errors: 0, authenticationFailures: 0, malformed: 0, notifications: 0, notificationErrors: 0 });
  });

  test('snmp-community none: v1 and v2c get no answer, counted as authentication failures', () => {
    const agent = new SnmpAgent({ view, communities: [], usm: null, uptime: () => 0 });
    assert.equal(agent.handle(GET_V2C), null);
    assert.equal(agent.counters.authenticationFailures, 1);
    assert.equal(agent.counters.requests, 0);
  });

  test('SNMPv3 without users, an unknown version, garbage: dropped and counted', () => {
    const agent = new SnmpAgent({ view, communities: ['public'], usm: null, uptime: () => 0 });
    const v3 = Buffer.from(GET_V2C);
    v3[4] = 3;
    const v2 = Buffer.from(GET_V2C);
    v2[4] = 2;
    for (const datagram of [v3, v2, hex('300300'), Buffer.alloc(0)]) assert.equal(agent.handle(datagram), null);
    assert.equal(agent.counters.malformed, 4);
  });
});
