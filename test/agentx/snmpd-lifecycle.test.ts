import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { CloseReason, PduType, Subagent, formatOid, type Registration } from '../../src/agentx/index.js';
import { createSnmpd, startSnmpd, type Snmpd } from '../harness/snmpd.js';
import { startCli } from '../harness/run-cli.js';
import { tempDir, type TempDir } from '../harness/temp-dir.js';
import { waitFor } from '../harness/wait-for.js';
import { RecordingProxy } from './recording-proxy.js';
import { canonical, parsePrinted } from './snmp-output.js';
import { BASE, SCALAR_TEXT, testView } from './test-view.js';

const TIMEOUT = { timeout: 120_000 };
const SCALAR = `${formatOid(BASE)}.1.0`;
const SERVED = `OctetString:${Buffer.from(SCALAR_TEXT).toString('hex')}`;
const FIXTURE = fileURLToPath(new URL('./fixtures/sigterm-subagent.js', import.meta.url));

/** What snmpget of our scalar says now: the value, or the exception snmpd reports. */
async function scalar(snmpd: Snmpd): Promise<string> {
  const r = await snmpd.run('snmpget', [SCALAR], ['-t', '0.5', '-r', '0']);
  const p = parsePrinted(r.stdout)[0];
  return p === undefined ? `exit ${r.code}` : canonical(p);
}

describe('the subagent through snmpd restarts, late starts and shutdowns', TIMEOUT, () => {
  let dir: TempDir;
  let snmpd: Snmpd | undefined;
  const agents: Subagent[] = [];
  let proxy: RecordingProxy | undefined;

  beforeEach(() => {
    dir = tempDir('agentx-lifecycle');
  });
  afterEach(async () => {
    for (const agent of agents.splice(0)) await agent.close();
    await proxy?.close();
    proxy = undefined;
    await snmpd?.stop();
    snmpd = undefined;
    dir.remove();
  });

  function subagent(address: string, pingIntervalMs = 1000): { agent: Subagent; registration: Registration } {
    const agent = new Subagent({ address, description: 'tallyman agentx lifecycle test', pingIntervalMs, requestTimeoutMs: 1000 });
    agents.push(agent);
    const registration = agent.register({ subtree: BASE, view: testView() });
    agent.start();
    return { agent, registration };
  }

  test('snmpd killed and restarted: our data is back within the ping interval plus 2 s', async () => {
    const PING_MS = 1000;
    snmpd = await startSnmpd(dir.path);
    const { agent, registration } = subagent(snmpd.agentx, PING_MS);
    await waitFor('registered', () => registration.state === 'registered');
    assert.equal(await scalar(snmpd), SERVED);
    await snmpd.kill();
    await waitFor('the loss noticed', () => agent.status.state !== 'open');
    await snmpd.start();
    const restarted = performance.now();
    await waitFor('our scalar served again', async () => (await scalar(snmpd as Snmpd)) === SERVED, 10_000, 50);
    const backAfterMs = performance.now() - restarted;
    assert.ok(backAfterMs <= PING_MS + 2000, `back after ${Math.round(backAfterMs)} ms`);
    assert.equal(agent.status.state, 'open');
    assert.ok(agent.health().epoch >= 2);
  });

  test('snmpd hung (SIGSTOP): the unanswered ping drops the session; after SIGCONT we are served again', async () => {
    snmpd = await startSnmpd(dir.path);
    const { agent, registration } = subagent(snmpd.agentx, 300);
    await waitFor('registered', () => registration.state === 'registered');
    const pid = snmpd.pid() as number;
    process.kill(pid, 'SIGSTOP');
    try {
      await waitFor('the hang noticed', () => agent.status.state === 'reconnecting', 10_000);
      assert.match((agent.status as { reason: string }).reason, /no answer to agentx-Ping-PDU/);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await waitFor('our scalar served again', async () => (await scalar(snmpd as Snmpd)) === SERVED, 15_000, 100);
  });

  test('started before snmpd: serving as soon as snmpd appears', async () => {
    snmpd = await createSnmpd(dir.path);
    const { agent, registration } = subagent(snmpd.agentx);
    await waitFor('retrying to connect', () => agent.status.state === 'reconnecting' && agent.health().epoch >= 2);
    assert.match((agent.status as { reason: string }).reason, /ENOENT/);
    await snmpd.start();
    await waitFor('registered', () => registration.state === 'registered', 10_000);
    assert.equal(await scalar(snmpd), SERVED);
  });

  test('a second subagent for the same subtree waits (duplicateRegistration) and takes over when the first closes', async () => {
    snmpd = await startSnmpd(dir.path);
    const first = subagent(snmpd.agentx);
    await waitFor('first registered', () => first.registration.state === 'registered');
    const second = subagent(snmpd.agentx);
    await waitFor('second refused as a duplicate', () => second.registration.state === 'retrying');
    assert.equal(second.registration.error, 'duplicateRegistration');
    await first.agent.close();
    await waitFor('second registered', () => second.registration.state === 'registered', 10_000);
    assert.equal(await scalar(snmpd), SERVED);
  });

  test('over tcp, and close() sends agentx-Close-PDU (reasonShutdown) that snmpd answers', async () => {
    snmpd = await startSnmpd(dir.path, { agentx: 'tcp' });
    proxy = await RecordingProxy.start(snmpd.agentx);
    const { agent, registration } = subagent(proxy.address);
    await waitFor('registered', () => registration.state === 'registered');
    const walk = await snmpd.run('snmpwalk', [formatOid(BASE)]);
    assert.equal(walk.code, 0);
    assert.ok(parsePrinted(walk.stdout).length > 30);
    await agent.close();
    const close = proxy.seen.find((p) => p.from === 'subagent' && p.type === PduType.Close);
    assert.ok(close, 'a Close went to snmpd');
    assert.equal(close.payload[0], CloseReason.reasonShutdown);
    assert.ok(
      proxy.seen.some((p) => p.from === 'master' && p.type === PduType.Response && p.packetId === close.packetId),
      'snmpd answered it',
    );
    assert.match(await scalar(snmpd), /No Such Object/);
  });

  test('a process serving through snmpd sends agentx-Close-PDU on SIGTERM before it exits', async () => {
    snmpd = await startSnmpd(dir.path, { agentx: 'tcp' });
    proxy = await RecordingProxy.start(snmpd.agentx);
    const child = startCli(process.execPath, [FIXTURE, proxy.address]);
    await waitFor('the child serving', async () => (await scalar(snmpd as Snmpd)) === SERVED, 10_000, 50);
    process.kill(child.pid, 'SIGTERM');
    const result = await child.done;
    assert.equal(result.code, 0, result.stderr.toString());
    assert.match(result.stdout.toString(), /registered/);
    const close = proxy.seen.find((p) => p.from === 'subagent' && p.type === PduType.Close);
    assert.equal(close?.payload[0], CloseReason.reasonShutdown);
  });
});
