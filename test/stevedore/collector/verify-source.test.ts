import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerCheck, ContainerMatch } from '../../../src/stevedore/collector/container-check.js';
import type { ContainerRef } from '../../../src/stevedore/registry/records.js';
import { startCollector, type RunningCollector } from '../../harness/collector.js';

/** dockerd's side as the follower answers it: one container, prod-db-primary, at 10.9.9.9 (not the test's 127.0.0.1). */
const PRIMARY: ContainerRef = { id: 'a1b2c3d4e5f6a1b2c3d4e5f6', name: 'prod-db-primary', image: 'postgres:16', ipAddresses: ['10.9.9.9'], ports: [] };
const docker: ContainerCheck = {
  verifySource: true,
  match: async (hostname: string, address: string): Promise<ContainerMatch> => {
    if (hostname !== 'db-1' && !PRIMARY.id.startsWith(hostname)) return { container: null, sourceMatches: false, named: null };
    return { container: PRIMARY, sourceMatches: PRIMARY.ipAddresses.includes(address), named: PRIMARY.name };
  },
};

describe('verify-source refusals tell a container nothing of the others', { timeout: 30_000 }, () => {
  let c: RunningCollector;
  before(async () => (c = await startCollector({ containers: () => docker })));
  after(() => c.close());

  const refusalLogs = (): string[] => c.logs.map((l) => String(l.msg)).filter((m) => m.includes('SOURCE_NOT_CONTAINER'));

  test("another container's hostname and a name no container has get the same answer, naming neither container", async () => {
    const other = await c.post({ service: 'DB', hostname: 'db-1', exitCode: 1 });
    c.time.advance(61_000);
    const none = await c.post({ service: 'DB', hostname: 'ghost', exitCode: 1 });
    for (const [r, hostname] of [[other, 'db-1'], [none, 'ghost']] as const) {
      assert.equal(r.status, 403);
      assert.deepEqual(r.body, {
        error: `a report must name the container it comes from, by its own hostname or id: '${hostname}' is not the container at 127.0.0.1 (verify-source)`,
        code: 'SOURCE_NOT_CONTAINER',
      });
    }
    assert.doesNotMatch(JSON.stringify([other.body, none.body]), /prod-db-primary|a1b2c3/);
    assert.equal(c.registry.service('DB')!.instances.size, 0);
  });

  test("the operator's log says which it was, once a minute per source", async () => {
    assert.deepEqual(refusalLogs(), [
      "refused a request from 127.0.0.1: SOURCE_NOT_CONTAINER: the report names container 'prod-db-primary' but comes from 127.0.0.1, which is not one of its addresses (verify-source)",
      "refused a request from 127.0.0.1: SOURCE_NOT_CONTAINER: no container on this host has hostname or id 'ghost' (verify-source)",
    ]);
    assert.equal((await c.post({ service: 'DB', hostname: 'a1b2c3d4e5f6', exitCode: 1 })).status, 403);
    assert.equal(refusalLogs().length, 2, 'not logged again within the minute');
  });
});
