import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TALLYMAN } from '../harness/built.js';
import { createNetNamespace, type NetNamespace } from '../harness/netns.js';
import { ReportListener } from '../harness/report-listener.js';
import { runCli } from '../harness/run-cli.js';

// A container's view of the network: tallyman finds the collector on its default gateway.
describe('tallyman without --server, in a network namespace with a default route', { timeout: 30_000 }, () => {
  let ns: NetNamespace;
  const onDefaultPort = new ReportListener();
  const onOtherPort = new ReportListener();
  let otherPort = 0;
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };

  before(async () => {
    ns = createNetNamespace('gw');
    await onDefaultPort.listen(ns.hostAddress, 8990);
    otherPort = await onOtherPort.listen(ns.hostAddress, 0);
  });
  after(async () => {
    await onDefaultPort.close();
    await onOtherPort.close();
    ns?.remove();
  });

  test('reports to the default gateway on port 8990', async () => {
    const r = await runCli(ns.exec[0]!, [...ns.exec.slice(1), process.execPath, TALLYMAN, '-d', 'DB', 'true'], { env });
    assert.equal(r.code, 0, r.stderr.toString());
    assert.match(r.stderr.toString(), new RegExp(`server ${ns.hostAddress.replace(/\./g, '\\.')}:8990 \\(default gateway\\)`));
    assert.equal(onDefaultPort.reports()[0]?.service, 'DB');
  });

  test('--server=:PORT takes the host from the default gateway', async () => {
    const r = await runCli(ns.exec[0]!, [...ns.exec.slice(1), process.execPath, TALLYMAN, `--server=:${otherPort}`, 'DB', 'sh', '-c', 'exit 2'], { env });
    assert.equal(r.code, 2, r.stderr.toString());
    assert.equal(onOtherPort.reports()[0]?.exitCode, 2);
  });
});
