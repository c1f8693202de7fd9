import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDefaultGateway } from '../../src/tallyman/gateway.js';

const HEADER = 'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT';
const table = (...rows: string[]): string => [HEADER, ...rows].join('\n') + '\n';

describe('default gateway from /proc/net/route', () => {
  test('a container on the default bridge: 172.17.0.1', () => {
    const route = table(
      'eth0\t00000000\t010011AC\t0003\t0\t0\t0\t00000000\t0\t0\t0',
      'eth0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0',
    );
    assert.equal(parseDefaultGateway(route), '172.17.0.1');
  });

  test('no default route: none', () => {
    assert.equal(parseDefaultGateway(table('eth0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0')), null);
    assert.equal(parseDefaultGateway(table()), null);
    assert.equal(parseDefaultGateway(''), null);
  });

  test('several default routes: the lowest metric wins, whatever the order', () => {
    const route = table(
      'eth1\t00000000\t0100000A\t0003\t0\t0\t200\t00000000\t0\t0\t0',
      'eth0\t00000000\t0101A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0',
      'eth2\t00000000\t010011AC\t0003\t0\t0\t300\t00000000\t0\t0\t0',
    );
    assert.equal(parseDefaultGateway(route), '192.168.1.1');
  });

  test('equal metrics: the first listed', () => {
    const route = table(
      'eth0\t00000000\t0101A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0',
      'eth1\t00000000\t0100000A\t0003\t0\t0\t0\t00000000\t0\t0\t0',
    );
    assert.equal(parseDefaultGateway(route), '192.168.1.1');
  });

  test('a route that is down or has no gateway is not the default gateway', () => {
    const route = table(
      'eth0\t00000000\t0101A8C0\t0002\t0\t0\t0\t00000000\t0\t0\t0',
      'eth1\t00000000\t00000000\t0001\t0\t0\t0\t00000000\t0\t0\t0',
      'eth2\t00000000\t0100000A\t0003\t0\t0\t50\t00000000\t0\t0\t0',
    );
    assert.equal(parseDefaultGateway(route), '10.0.0.1');
  });
});
