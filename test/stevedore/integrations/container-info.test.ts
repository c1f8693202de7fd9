import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { containerFromInspect, namesContainer } from '../../../src/stevedore/integrations/docker/container-info.js';

const ID = '3f2a9c1b7d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8';
const inspect = {
  Id: ID,
  Name: '/db-1',
  Config: { Hostname: '3f2a9c1b7d4e', Image: 'mariadb:11' },
  State: { Running: true },
  HostConfig: { NetworkMode: 'bridge' },
  NetworkSettings: {
    Networks: { bridge: { IPAddress: '172.17.0.2', GlobalIPv6Address: '' }, app: { IPAddress: '172.20.0.5', GlobalIPv6Address: 'fd00::5' } },
    Ports: { '3306/tcp': [{ HostIp: '0.0.0.0', HostPort: '3306' }, { HostIp: '::', HostPort: '3306' }], '33060/tcp': null },
  },
};

describe('a container as Docker describes it', () => {
  test('name, image, hostname, every address, published ports as docker ps shows them', () => {
    assert.deepEqual(containerFromInspect(inspect), {
      id: ID,
      name: 'db-1',
      image: 'mariadb:11',
      hostname: '3f2a9c1b7d4e',
      ipAddresses: ['172.17.0.2', '172.20.0.5', 'fd00::5'],
      ports: ['0.0.0.0:3306->3306/tcp', '33060/tcp', ':::3306->3306/tcp'],
      networkMode: 'bridge',
      running: true,
    });
  });

  test('a report names it by its hostname, or by 12 or more characters of its id', () => {
    const c = containerFromInspect({ ...inspect, Config: { Hostname: 'db', Image: 'x' } });
    assert.equal(namesContainer('db', c), true);
    assert.equal(namesContainer('3f2a9c1b7d4e', c), true);
    assert.equal(namesContainer(ID, c), true);
    assert.equal(namesContainer('3f2a9c', c), false, 'too short a prefix could name another container');
    assert.equal(namesContainer('web', c), false);
  });

  test('a container with no networks has no addresses', () => {
    assert.deepEqual(containerFromInspect({ Id: ID }).ipAddresses, []);
  });
});
