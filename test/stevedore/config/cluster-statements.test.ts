import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { check } from './check.js';

describe('the cluster\'s statements', () => {
  test('etcd endpoints, the cluster, this host\'s name in it, and the view', async () => {
    const { config, errors } = await check('service DB;\netcd-endpoints 127.0.0.1:2379 [::1]:2380;\netcd-endpoints etcd3:2379;\ncluster-name prod;\ncluster-host docker-01;\ncluster-view yes;\n');
    assert.deepEqual(errors, []);
    assert.deepEqual(config!.etcdEndpoints, [{ host: '127.0.0.1', port: 2379 }, { host: '::1', port: 2380 }, { host: 'etcd3', port: 2379 }]);
    assert.equal(config!.clusterName, 'prod');
    assert.equal(config!.clusterHost, 'docker-01');
    assert.equal(config!.clusterView, true);
  });

  test('no cluster by default; the host\'s name is this host\'s', async () => {
    const { config } = await check('service DB;\n');
    assert.equal(config!.clusterName, null);
    assert.equal(config!.clusterView, false);
    assert.match(config!.clusterHost, /^[A-Za-z0-9_.-]{1,32}$/);
  });

  test('a cluster without etcd, a view without a cluster and bad names say what to fix', async () => {
    const { errors, codes } = await check('service DB;\ncluster-name prod;\ncluster-view yes;\ncluster-host "a/b";\netcd-endpoints 127.0.0.1:0;\n');
    assert.deepEqual(errors, [
      "test.conf:4:14: bad cluster-host 'a/b' (1 to 32 characters of A-Z a-z 0-9 _ . -)",
      "test.conf:5:16: bad address '127.0.0.1:0': the port must be a number from 1 to 65535 (use HOST:PORT, as 127.0.0.1:2379)",
      "test.conf:2:14: cluster-name needs etcd-endpoints: the cluster is shared through etcd (add 'etcd-endpoints HOST:PORT ...;')",
    ]);
    assert.deepEqual(codes, ['CONFIG_BAD_NAME', 'CONFIG_BAD_ADDRESS', 'CONFIG_CONFLICT']);
    const view = await check('service DB;\ncluster-view yes;\n');
    assert.deepEqual(view.errors, ["test.conf:2:14: cluster-view yes needs cluster-name: the view shows the hosts of one cluster (add 'cluster-name NAME;')"]);
  });
});
