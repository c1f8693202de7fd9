import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { freePort } from '../harness/free-port.js';
import { runWithMib } from '../harness/mib-tools.js';
import { nms } from '../harness/nms.js';
import type { CliResult } from '../harness/run-cli.js';
import { createSnmpd, type Snmpd } from '../harness/snmpd.js';
import { startSnmptrapd, type Snmptrapd } from '../harness/snmptrapd.js';
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
  let trapd: Snmptrapd;
  let trapLog: string;
  let tools: ReturnType<typeof nms>;
  const big = 'é'.repeat(2048); // 4096 bytes of UTF-8

  before(async () => {
    dir = tempDir('snmpd-stevedore');
    tools = nms(dir);
    trapd = await startSnmptrapd(dir);
    trapLog = trapd.logFile;
    snmpd = await createSnmpd(dir.path, {
      writeCommunity: 'private',
      config: [
        `trap2sink 127.0.0.1:${trapd.port} public`,
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
    await trapd?.process.stop();
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

describe('the embedded agent and snmpd over AgentX answer alike', TIMEOUT, () => {
  let dir: TempDir;
  let snmpd: Snmpd;
  let stevedore: RunningStevedore;
  let embedded: string;
  /** A Net-SNMP client tool with TALLYMAN-MIB, any version and security flags. */
  const tool = (name: string, args: readonly string[]) => runWithMib(name, ['-t', '2', '-r', '1', ...args], dir.file('tools-persist'));
  /** Uptime and ages move between two walks; everything else must be equal. */
  const moving = /tallymanUptime|tallymanInstanceAge/;
  const walk = async (version: readonly string[], agent: string, root = 'TALLYMAN-MIB::tallymanMIB') => {
    const r = await tool('snmpwalk', [...version, '-Ox', agent, root]);
    assert.equal(r.code, 0, r.stderr.toString());
    return lines(r).filter((l) => !moving.test(l));
  };

  before(async () => {
    dir = tempDir('embedded');
    snmpd = await createSnmpd(dir.path, { config: ['createUser ops SHA-256 authpass1 AES privpass1', 'rouser ops priv'] });
    await snmpd.start();
    const port = await freePort();
    embedded = `127.0.0.1:${port}`;
    stevedore = await startStevedore(
      dir,
      `service DB { description "données"; } service web; agentx-socket ${snmpd.agentx}; snmp-listen ${embedded}; snmp-community s3cret; snmp-contact "ops <ops@example.org>"; snmp-location "rack 4";
       snmp-user ops { auth sha256 authpass1; priv aes privpass1; }`,
    );
    for (const [hostname, exitCode] of [['a', 0], ['b', 1]] as const) await stevedore.post({ service: 'DB', hostname, exitCode, stdout: `ünï ${hostname}`, value: { n: 1 } });
    await waitFor('the subagent registered', async () => (await tool('snmpget', ['-v2c', '-c', 'public', snmpd.agent, 'TALLYMAN-MIB::tallymanServiceCount.0'])).stdout.toString().includes('Gauge32: 2'));
  });

  after(async () => {
    await stevedore?.process.stop();
    await snmpd?.stop();
    dir?.remove();
  });

  test('SNMPv2c: a walk of tallymanMIB, OID by OID and value by value', async () => {
    const viaSnmpd = await walk(['-v2c', '-c', 'public'], snmpd.agent);
    assert.ok(viaSnmpd.length > 20);
    assert.deepEqual(await walk(['-v2c', '-c', 's3cret'], embedded), viaSnmpd);
  });

  test('SNMPv1: the same walk, ending without endOfMibView', async () => {
    const viaSnmpd = await walk(['-v1', '-c', 'public'], snmpd.agent);
    assert.ok(viaSnmpd.length > 20);
    assert.deepEqual(await walk(['-v1', '-c', 's3cret'], embedded), viaSnmpd);
    // Past the last object a v1 walk gets noSuchName, which snmpwalk reports as "End of MIB".
    const tail = await tool('snmpwalk', ['-v1', '-c', 's3cret', '-On', embedded, '.1.3.6.1.6.3.15.1.1']);
    assert.equal(tail.code, 0, tail.stderr.toString());
    assert.doesNotMatch(tail.stdout.toString(), /No more variables|endOfMibView/);
    assert.deepEqual(lines(tail).slice(6), ['End of MIB']);
  });

  test('SNMPv3 authPriv: the same walk', async () => {
    const v3 = ['-v3', '-l', 'authPriv', '-u', 'ops', '-a', 'SHA-256', '-A', 'authpass1', '-x', 'AES', '-X', 'privpass1'];
    const viaSnmpd = await walk(v3, snmpd.agent);
    assert.ok(viaSnmpd.length > 20);
    assert.deepEqual(await walk(v3, embedded), viaSnmpd);
  });

  test('SNMPv1: a missing instance is noSuchName at its own index, as snmpd answers', async () => {
    const missing = ['TALLYMAN-MIB::tallymanServiceCount.0', 'TALLYMAN-MIB::tallymanServiceState."nope"'];
    const viaSnmpd = await tool('snmpget', ['-v1', '-c', 'public', snmpd.agent, ...missing]);
    const ours = await tool('snmpget', ['-v1', '-c', 's3cret', embedded, ...missing]);
    assert.match(ours.stderr.toString(), /noSuchName[\s\S]*Failed object: TALLYMAN-MIB::tallymanServiceState\."nope"/);
    assert.equal(ours.stderr.toString(), viaSnmpd.stderr.toString());
  });

  test('the system group, as discovery reads it', async () => {
    const r = await tool('snmpget', ['-v2c', '-c', 's3cret', '-Oqv', embedded, 'SNMPv2-MIB::sysDescr.0', 'SNMPv2-MIB::sysObjectID.0', 'SNMPv2-MIB::sysContact.0', 'SNMPv2-MIB::sysName.0', 'SNMPv2-MIB::sysLocation.0', 'SNMPv2-MIB::sysServices.0']);
    assert.equal(r.code, 0, r.stderr.toString());
    const [descr, objectId, contact, name, location, services] = lines(r);
    assert.match(descr!, /^stevedore \d+\.\d+\.\d+/);
    assert.equal(objectId, 'TALLYMAN-MIB::tallymanMIB');
    assert.equal(contact, 'ops <ops@example.org>');
    assert.equal(name, hostname());
    assert.equal(location, 'rack 4');
    assert.equal(services, '72');
    const up = await tool('snmpget', ['-v2c', '-c', 's3cret', '-Ot', embedded, 'SNMPv2-MIB::sysUpTime.0']);
    assert.match(up.stdout.toString(), /^SNMPv2-MIB::sysUpTime\.0 = \d+\n$/);
  });

  test('an undefined column is noSuchObject, a missing row noSuchInstance, as through snmpd', async () => {
    const names = ['.1.3.6.1.4.1.8072.9999.8990.1.11.1.99.2.68.66.1.97', 'TALLYMAN-MIB::tallymanInstanceState."DB"."zz"'];
    const viaSnmpd = await tool('snmpget', ['-v2c', '-c', 'public', snmpd.agent, ...names]);
    const ours = await tool('snmpget', ['-v2c', '-c', 's3cret', embedded, ...names]);
    assert.match(ours.stdout.toString(), /No Such Object[\s\S]*No Such Instance/);
    assert.equal(ours.stdout.toString(), viaSnmpd.stdout.toString());
  });

  test('snmpset is refused (noAccess), and another community gets no answer', async () => {
    const set = await tool('snmpset', ['-v2c', '-c', 's3cret', embedded, 'TALLYMAN-MIB::tallymanInstanceExitCode."DB"."a"', 'i', '0']);
    assert.notEqual(set.code, 0);
    assert.match(set.stderr.toString(), /noAccess/);
    const wrong = await runWithMib('snmpget', ['-v2c', '-c', 'public', '-t', '0.5', '-r', '0', embedded, 'TALLYMAN-MIB::tallymanServiceCount.0'], dir.file('tools-persist'));
    assert.notEqual(wrong.code, 0, 'another community gets no answer');
    const health = (await stevedore.get('/v1/health')).body as { snmp: { listen: string; counters: { requests: number; errors: number; authenticationFailures: number } } };
    assert.equal(health.snmp.listen, embedded);
    assert.ok(health.snmp.counters.requests > 20);
    assert.ok(health.snmp.counters.errors >= 1);
    assert.ok(health.snmp.counters.authenticationFailures >= 1);
    assert.doesNotMatch(JSON.stringify(health), /s3cret/);
  });
});
