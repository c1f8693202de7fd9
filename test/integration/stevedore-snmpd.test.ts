import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { freePort } from '../harness/free-port.js';
import { startProcess, type ManagedProcess } from '../harness/managed-process.js';
import { nms } from '../harness/nms.js';
import { requireTool } from '../harness/require-tool.js';
import type { CliResult } from '../harness/run-cli.js';
import { createSnmpd, type Snmpd } from '../harness/snmpd.js';
import { startStevedore, type RunningStevedore } from '../harness/stevedore.js';
import { tempDir, type TempDir } from '../harness/temp-dir.js';
import { waitFor } from '../harness/wait-for.js';

const TIMEOUT = { timeout: 120_000 };

/** Octets of an `-Ox` value: "Hex-STRING: 41 42 ..." possibly over several lines. */
function hexValue(output: string): Buffer {
  const hex = output.replace(/^.*?Hex-STRING:\s*/s, '').replace(/[^0-9A-Fa-f]/g, '');
  return Buffer.from(hex, 'hex');
}

const lines = (r: CliResult): string[] => r.stdout.toString().replace(/\n+$/, '').split('\n');
/** tallymanInstanceEntry, numerically. */
const ENTRY = '.1.3.6.1.4.1.8072.9999.8990.1.11.1';

describe('stevedore under a real snmpd, over the AgentX unix socket', TIMEOUT, () => {
  let dir: TempDir;
  let snmpd: Snmpd;
  let stevedore: RunningStevedore;
  let trapd: ManagedProcess;
  let trapLog: string;
  let tools: ReturnType<typeof nms>;
  const big = 'é'.repeat(2048); // 4096 bytes of UTF-8

  before(async () => {
    dir = tempDir('snmpd-stevedore');
    tools = nms(dir);
    const trapPort = await freePort();
    trapLog = dir.file('traps.log');
    writeFileSync(dir.file('snmptrapd.conf'), 'disableAuthorization yes\n');
    mkdirSync(dir.file('trapd-persist'));
    trapd = await startProcess({
      name: 'snmptrapd',
      command: requireTool('snmptrapd', 'snmptrapd'),
      args: ['-f', '-C', '-c', dir.file('snmptrapd.conf'), '-Lf', trapLog, '-On', '-p', dir.file('snmptrapd.pid'), `udp:127.0.0.1:${trapPort}`],
      dir: dir.path,
      env: { PATH: process.env.PATH, SNMP_PERSISTENT_DIR: dir.file('trapd-persist'), MIBS: '' },
      ready: () => readFileSync(trapLog, 'utf8').includes('NET-SNMP version'),
    });
    snmpd = await createSnmpd(dir.path, {
      writeCommunity: 'private',
      config: [
        `trap2sink 127.0.0.1:${trapPort} public`,
        // An object of snmpd's own after our subtree: a walk must reach it.
        'override .1.3.6.1.4.1.8072.9999.9000.1.0 integer 42',
      ],
    });
    await snmpd.start();
    stevedore = await startStevedore(dir, `service DB { description "données"; } service web; agentx-socket ${snmpd.agentx}; agentx-ping-interval 1s;`);
    await waitFor('the AgentX session to open', async () => {
      const h = (await stevedore.get('/v1/health')).body as { agentx: { status: { state: string }; registrations: { state: string }[] } };
      return h.agentx.status.state === 'open' && h.agentx.registrations[0]?.state === 'registered';
    });
    assert.equal(await stevedore.post({ service: 'DB', hostname: 'c1', exitCode: 0, stdout: big }), 204);
    assert.equal(await stevedore.post({ service: 'DB', hostname: 'c2', exitCode: 2, stderr: 'connexion refusée\n' }), 204);
  });

  after(async () => {
    await stevedore?.process.stop();
    await snmpd?.stop();
    await trapd?.stop();
    dir?.remove();
  });

  test('snmpget by MIB names', async () => {
    const r = await tools.run('snmpget', snmpd.agent, ['TALLYMAN-MIB::tallymanServiceState."DB"', 'TALLYMAN-MIB::tallymanInstanceExitCode."DB"."c2"', 'TALLYMAN-MIB::tallymanServiceCount.0']);
    assert.equal(r.code, 0, r.stderr.toString());
    assert.deepEqual(lines(r), [
      'TALLYMAN-MIB::tallymanServiceState."DB" = INTEGER: degraded(2)',
      'TALLYMAN-MIB::tallymanInstanceExitCode."DB"."c2" = INTEGER: 2',
      'TALLYMAN-MIB::tallymanServiceCount.0 = Gauge32: 2',
    ]);
  });

  test('the second revision: summary, counts, first output line, state since', async () => {
    const r = await tools.run('snmpget', snmpd.agent, [
      'TALLYMAN-MIB::tallymanSummaryState.0',
      'TALLYMAN-MIB::tallymanInstancesFailing.0',
      'TALLYMAN-MIB::tallymanInstanceOutput1Line."DB"."c2"',
      'TALLYMAN-MIB::tallymanInstanceTimedOut."DB"."c2"',
      'TALLYMAN-MIB::tallymanServiceLastReport."web"',
    ]);
    assert.equal(r.code, 0, r.stderr.toString());
    assert.deepEqual(lines(r), [
      'TALLYMAN-MIB::tallymanSummaryState.0 = INTEGER: unknown(5)',
      'TALLYMAN-MIB::tallymanInstancesFailing.0 = Gauge32: 1',
      'TALLYMAN-MIB::tallymanInstanceOutput1Line."DB"."c2" = STRING: connexion refusée',
      'TALLYMAN-MIB::tallymanInstanceTimedOut."DB"."c2" = INTEGER: false(2)',
      'TALLYMAN-MIB::tallymanServiceLastReport."web" = STRING: 1970-1-1,0:0:0.0,+0:0',
    ]);
    const since = await tools.run('snmpget', snmpd.agent, ['TALLYMAN-MIB::tallymanInstanceStateSince."DB"."c2"']);
    assert.match(lines(since)[0]!, /= STRING: 20\d\d-\d+-\d+,\d+:\d+:\d+\.\d,\+0:0$/);
  });

  test('snmpgetnext from a column to its first row', async () => {
    const r = await tools.run('snmpgetnext', snmpd.agent, ['TALLYMAN-MIB::tallymanInstanceState']);
    assert.deepEqual(lines(r), ['TALLYMAN-MIB::tallymanInstanceState."DB"."c1" = INTEGER: ok(1)']);
  });

  test('snmptable shows the instance table as an NMS would', async () => {
    const r = await tools.run('snmptable', snmpd.agent, ['TALLYMAN-MIB::tallymanInstanceTable'], ['-Cf', '|', '-Ci']);
    assert.equal(r.code, 0, r.stderr.toString());
    const rows = lines(r).filter((l) => l.startsWith('"DB"'));
    assert.equal(rows.length, 2);
    assert.match(rows[0]!, /^"DB"\."c1"\|ok\|0\|/);
    // snmptable shows the newline that ends the output as a space.
    assert.match(rows[1]!, /^"DB"\."c2"\|failing\|2\|\|connexion refusée\s?\|null\|/);
    const services = await tools.run('snmptable', snmpd.agent, ['TALLYMAN-MIB::tallymanServiceTable'], ['-Cf', '|', '-Ci']);
    assert.ok(lines(services).some((l) => l.startsWith('"DB"|degraded|2|1|1|0|') && l.includes('|données|')), services.stdout.toString());
  });

  test('4 KiB of UTF-8 output arrives byte for byte', async () => {
    // Numeric, without the MIB (its DISPLAY-HINT would print text): the raw octets in hex.
    const stdoutOid = `${ENTRY}.4.2.68.66.2.99.49`; // tallymanInstanceStdout."DB"."c1"
    const stderrOid = `${ENTRY}.5.2.68.66.2.99.50`; // tallymanInstanceStderr."DB"."c2"
    const r = await snmpd.run('snmpget', [stdoutOid], ['-Ox']);
    assert.deepEqual(hexValue(r.stdout.toString()), Buffer.from(big, 'utf8'));
    const err = await snmpd.run('snmpget', [stderrOid], ['-Ox']);
    assert.deepEqual(hexValue(err.stdout.toString()), Buffer.from('connexion refusée\n', 'utf8'));
  });

  test('snmpwalk and snmpbulkwalk agree, and a walk of enterprises goes on past our subtree', async () => {
    const walk = await tools.run('snmpwalk', snmpd.agent, ['TALLYMAN-MIB::tallymanMIB'], ['-On']);
    const bulk = await tools.run('snmpbulkwalk', snmpd.agent, ['TALLYMAN-MIB::tallymanMIB'], ['-On', '-Cr50']);
    const oids = (r: CliResult) => lines(r).map((l) => l.split(' = ')[0]);
    assert.deepEqual(oids(bulk), oids(walk));
    assert.ok(oids(walk).length >= 6 + 2 * 7 + 2 * 10);
    const all = await tools.run('snmpwalk', snmpd.agent, ['.1.3.6.1.4.1'], ['-On']);
    assert.equal(all.code, 0, all.stderr.toString());
    const names = oids(all);
    const ours = names.findIndex((o) => o!.startsWith('.1.3.6.1.4.1.8072.9999.8990.'));
    const after = names.indexOf('.1.3.6.1.4.1.8072.9999.9000.1.0');
    assert.ok(ours >= 0 && after > ours, 'the walk passed through our objects and on to snmpd\'s');
  });

  test('snmpset is refused: the objects are read-only', async () => {
    const r = await tools.run('snmpset', snmpd.agent, ['TALLYMAN-MIB::tallymanInstanceExitCode."DB"."c1"', 'i', '0'], [], 'private');
    assert.notEqual(r.code, 0);
    assert.match(r.stderr.toString(), /notWritable/);
  });

  test('a state change reaches snmptrapd as tallymanInstanceStateChange and tallymanServiceStateChange', async () => {
    assert.equal(await stevedore.post({ service: 'web', hostname: 'w1', exitCode: 7 }), 204);
    // web = 3.119.101.98, w1 = 2.119.49; state failing(3), exit code 7.
    const w1 = '3.119.101.98.2.119.49';
    const records = await waitFor('both notifications for web', () => {
      const log = readFileSync(trapLog, 'utf8').split(/\n(?=\d{4}-\d\d-\d\d )/);
      const instance = log.find((r) => r.includes(`${ENTRY}.2.${w1} `));
      const service = log.find((r) => r.includes('.1.3.6.1.4.1.8072.9999.8990.1.10.1.2.3.119.101.98 '));
      return instance && service ? { instance, service } : false;
    });
    assert.match(records.instance, /\.1\.3\.6\.1\.6\.3\.1\.1\.4\.1\.0 = OID: \.1\.3\.6\.1\.4\.1\.8072\.9999\.8990\.0\.2\t/);
    assert.ok(records.instance.includes(`${ENTRY}.2.${w1} = INTEGER: 3`), records.instance);
    assert.ok(records.instance.includes(`${ENTRY}.3.${w1} = INTEGER: 7`), records.instance);
    // The names as values, the previous state none(0): w1 has just appeared.
    assert.ok(records.instance.includes('.1.3.6.1.4.1.8072.9999.8990.1.20.1.0 = STRING: "web"'), records.instance);
    assert.ok(records.instance.includes('.1.3.6.1.4.1.8072.9999.8990.1.20.2.0 = STRING: "w1"'), records.instance);
    assert.ok(records.instance.includes('.1.3.6.1.4.1.8072.9999.8990.1.20.4.0 = INTEGER: 0'), records.instance);
    assert.match(records.service, /OID: \.1\.3\.6\.1\.4\.1\.8072\.9999\.8990\.0\.1\t\.1\.3\.6\.1\.4\.1\.8072\.9999\.8990\.1\.10\.1\.2\.3\.119\.101\.98 = INTEGER: 3/);
  });

  test('six parallel bulk walks while rows appear underneath: all complete, each in order', async () => {
    const walks = Array.from({ length: 6 }, () => tools.spawn('snmpbulkwalk', snmpd.agent, ['TALLYMAN-MIB::tallymanInstanceTable'], ['-On', '-Cr10']));
    for (let i = 0; i < 60; i++) await stevedore.post({ service: 'web', hostname: `churn${i}`, exitCode: i % 2 });
    const results = await Promise.all(walks.map((w) => w.done));
    for (const r of results) {
      assert.equal(r.code, 0, r.stderr.toString());
      assert.equal(r.stderr.toString(), '');
      // Only the lines that start a varbind (an output with a newline continues on the next line).
      const oids = lines(r).filter((l) => l.startsWith('.')).map((l) => l.split(' = ')[0]!.split('.').slice(1).map(Number));
      assert.ok(oids.length >= 2 * 10);
      for (let k = 1; k < oids.length; k++) {
        const a = oids[k - 1]!;
        const b = oids[k]!;
        const first = a.findIndex((x, j) => x !== b[j]);
        assert.ok(first === -1 ? a.length < b.length : a[first]! < b[first]!, `walk out of order at ${b.join('.')}`);
      }
    }
  });

  test('snmpd killed and restarted: the data is back within the ping interval plus 2 s', async () => {
    await snmpd.kill();
    await snmpd.start();
    await waitFor(
      'TALLYMAN-MIB through the new snmpd',
      async () => (await tools.run('snmpget', snmpd.agent, ['TALLYMAN-MIB::tallymanServiceState."DB"'])).stdout.toString().includes('degraded(2)'),
      1000 + 2000,
      100,
    );
  });
});

describe('stevedore started before snmpd, over tcp', TIMEOUT, () => {
  test('serves once snmpd appears', async () => {
    const dir = tempDir('snmpd-late');
    const snmpd = await createSnmpd(dir.path, { agentx: 'tcp' });
    const stevedore = await startStevedore(dir, `service DB; agentx-socket ${snmpd.agentx}; agentx-ping-interval 1s;`);
    try {
      await stevedore.post({ service: 'DB', hostname: 'early', exitCode: 0 });
      const state = async () => ((await stevedore.get('/v1/health')).body as { agentx: { status: { state: string } } }).agentx.status.state;
      assert.notEqual(await state(), 'open');
      await snmpd.start();
      const tools = nms(dir);
      await waitFor('the row through snmpd', async () => (await tools.run('snmpget', snmpd.agent, ['TALLYMAN-MIB::tallymanInstanceState."DB"."early"'])).stdout.toString().includes('ok(1)'), 15_000, 100);
      assert.equal(await state(), 'open');
    } finally {
      await stevedore.process.stop();
      await snmpd.stop();
      dir.remove();
    }
  });
});

describe('the embedded agent', TIMEOUT, () => {
  test('answers the same walk as snmpd does', async () => {
    const dir = tempDir('embedded');
    const snmpd = await createSnmpd(dir.path);
    await snmpd.start();
    const port = await freePort();
    const stevedore = await startStevedore(dir, `service DB { description "données"; } service web; agentx-socket ${snmpd.agentx}; snmp-listen 127.0.0.1:${port}; snmp-community s3cret;`);
    try {
      for (const [hostname, exitCode] of [['a', 0], ['b', 1]] as const) await stevedore.post({ service: 'DB', hostname, exitCode, stdout: `ünï ${hostname}`, value: { n: 1 } });
      const tools = nms(dir);
      await waitFor('the subagent registered', async () => (await tools.run('snmpget', snmpd.agent, ['TALLYMAN-MIB::tallymanServiceCount.0'])).stdout.toString().includes('Gauge32: 2'));
      // Uptime and ages move between the two walks; everything else must be equal.
      const moving = /tallymanUptime|tallymanInstanceAge/;
      const walk = async (agent: string, community: string) =>
        lines(await tools.run('snmpwalk', agent, ['TALLYMAN-MIB::tallymanMIB'], ['-Ox'], community)).filter((l) => !moving.test(l) && !l.includes('No more variables'));
      const viaSnmpd = await walk(snmpd.agent, 'public');
      const embedded = await walk(`127.0.0.1:${port}`, 's3cret');
      assert.ok(viaSnmpd.length > 20);
      assert.deepEqual(embedded, viaSnmpd);
      const wrong = await tools.run('snmpget', `127.0.0.1:${port}`, ['TALLYMAN-MIB::tallymanServiceCount.0'], ['-t', '0.5', '-r', '0'], 'public');
      assert.notEqual(wrong.code, 0, 'another community gets no answer');
    } finally {
      await stevedore.process.stop();
      await snmpd.stop();
      dir.remove();
    }
  });
});
