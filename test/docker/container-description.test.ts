import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeContainer, descriptionJson } from '../../src/docker/container-description.js';
import type { ContainerInspect } from '../../src/docker/engine-types.js';

describe('a container as service discovery publishes it', () => {
  const inspect: ContainerInspect = {
    Id: 'f'.repeat(64),
    Name: '/server',
    NetworkSettings: {
      IPAddress: '172.17.0.3',
      Ports: {
        '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '32768' }, { HostIp: '::', HostPort: '32768' }],
        '443/tcp': [{ HostIp: '127.0.0.1', HostPort: '8443' }],
        '53/udp': null,
        '9000/tcp': [],
      },
    },
  };

  it('gives published ports the host address and exposed ones the container port, in the exact JSON shape', () => {
    assert.equal(
      descriptionJson(describeContainer(inspect, '192.0.2.7')),
      '{"IP":"172.17.0.3","Name":"/server","Ports":[' +
        '{"IP":"192.0.2.7","PrivatePort":80,"PublicPort":32768,"Type":"tcp"},' +
        '{"IP":"127.0.0.1","PrivatePort":443,"PublicPort":8443,"Type":"tcp"},' +
        '{"IP":"","PrivatePort":0,"PublicPort":9000,"Type":"tcp"},' +
        '{"IP":"","PrivatePort":0,"PublicPort":53,"Type":"udp"}]}',
    );
  });

  it('takes the address of a user-defined network when the default bridge has none', () => {
    const onNetwork: ContainerInspect = { Id: 'a', Name: '/db', NetworkSettings: { IPAddress: '', Networks: { backend: { IPAddress: '10.5.0.9' } } } };
    assert.deepEqual(describeContainer(onNetwork, '192.0.2.7'), { IP: '10.5.0.9', Name: '/db', Ports: [] });
  });
});
