import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MibViewBuilder, Subagent, formatOid, type Registration, integer32, octetString, rowIndex, stringIndex, type TableRow } from '../../src/agentx/index.js';
import { startSnmpd, type Snmpd } from '../harness/snmpd.js';
import { tempDir, type TempDir } from '../harness/temp-dir.js';
import { waitFor } from '../harness/wait-for.js';
import { canonical, parsePrinted, printedBytes } from './snmp-output.js';
import { AFTER, AFTER_CONFIG, BASE, BIG_TEXT, SCALAR_TEXT, described, expectedInstances, testView } from './test-view.js';

const TIMEOUT = { timeout: 120_000 };
const base = formatOid(BASE);
const WRITE_COMMUNITY = 'private-rw';

describe('a subagent serving through a real snmpd, read with the Net-SNMP client tools', TIMEOUT, () => {
  let dir: TempDir;
  let snmpd: Snmpd;
  let agent: Subagent;
  let registration: Registration;
  let churn: NodeJS.Timeout | undefined;

  before(async () => {
    dir = tempDir('agentx-serve');
    snmpd = await startSnmpd(dir.path, { writeCommunity: WRITE_COMMUNITY, config: [AFTER_CONFIG] });
    agent = new Subagent({ address: snmpd.agentx, description: 'tallyman agentx serve test', pingIntervalMs: 1000 });
    registration = agent.register({ subtree: BASE, view: testView() });
    agent.start();
    await waitFor('the subtree registered', () => registration.state === 'registered');
  });

  after(async () => {
    clearInterval(churn);
    await agent.close();
    await snmpd.stop();
    dir.remove();
  });

  const ok = (r: { code: number | null; stderr: Buffer; stdout: Buffer }) => {
    assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr.toString()}${r.stdout.toString()}`);
    return parsePrinted(r.stdout);
  };

  test('snmpget reads a scalar and table cells of every type', async () => {
    const want = expectedInstances();
    const some = [want[0], want[3], want.find((w) => w.oid.startsWith(`${base}.2.1.7.`)), want.find((w) => w.oid.startsWith(`${base}.2.1.8.`))].map((w) => w ?? assert.fail('no such expected row'));
    const printed = ok(await snmpd.run('snmpget', some.map((w) => w.oid), ['-Ox']));
    assert.deepEqual(
      printed.map((p) => [p.oid, canonical(p)]),
      some.map((w) => [w.oid, described(w.value)]),
    );
  });

  test('snmpget of a missing row says noSuchInstance, of a missing column noSuchObject', async () => {
    const printed = ok(await snmpd.run('snmpget', [`${base}.2.1.3.2.120.120`, `${base}.2.1.99.1.120`, `${base}.1.1`]));
    assert.deepEqual(
      printed.map((p) => p.type),
      ['No Such Instance currently exists at this OID', 'No Such Object available on this agent at this OID', 'No Such Instance currently exists at this OID'],
    );
  });

  test('snmpgetnext finds the first instance, and after the last one what snmpd serves next', async () => {
    const want = expectedInstances();
    const printed = ok(await snmpd.run('snmpgetnext', [base, (want[want.length - 1] as { oid: string }).oid]));
    assert.deepEqual(
      printed.map((p) => p.oid),
      [want[0]?.oid, AFTER],
    );
  });

  for (const [tool, flags] of [
    ['snmpwalk', ['-Ox']],
    ['snmpbulkwalk', ['-Ox', '-Cr50']],
    ['snmpbulkwalk', ['-Ox', '-Cr3']],
  ] as const) {
    test(`${tool} ${flags.join(' ')} returns every instance in order, values byte-exact`, async () => {
      const printed = ok(await snmpd.run(tool, [base], flags));
      assert.deepEqual(
        printed.map((p) => `${p.oid} ${canonical(p)}`),
        expectedInstances().map((w) => `${w.oid} ${described(w.value)}`),
      );
    });
  }

  test('UTF-8 and a 4 KiB value arrive byte for byte', async () => {
    const big = `${base}.2.1.10.${rowIndex(stringIndex('big')).join('.')}`;
    const utf8 = `${base}.2.1.2.${rowIndex(stringIndex('ümlaut-€')).join('.')}`;
    const printed = ok(await snmpd.run('snmpget', [big, utf8, `${base}.1.0`], ['-Ox']));
    assert.deepEqual(printedBytes(printed[0] as never), Buffer.from(BIG_TEXT, 'utf8'));
    assert.equal((printedBytes(printed[0] as never) as Buffer).length, 4096);
    assert.deepEqual(printedBytes(printed[1] as never), Buffer.from('ümlaut-€', 'utf8'));
    assert.deepEqual(printedBytes(printed[2] as never), Buffer.from(SCALAR_TEXT));
  });

  test('snmpwalk 1.3.6.1.4.1 goes through our subtree and on past it', async () => {
    const printed = ok(await snmpd.run('snmpwalk', ['1.3.6.1.4.1']));
    const oids = printed.map((p) => p.oid);
    const ours = expectedInstances().map((w) => w.oid);
    const first = oids.indexOf(ours[0] as string);
    assert.ok(first > 0, 'snmpd objects before ours, then ours');
    assert.deepEqual(oids.slice(first, first + ours.length), ours);
    assert.equal(oids[first + ours.length], AFTER, 'the walk continues with what follows our subtree');
  });

  test('snmpset is refused: noAccess with the read-only community, notWritable from us with a write community', async () => {
    const target = `${base}.2.1.3.${rowIndex(stringIndex('alpha')).join('.')}`;
    const readOnly = await snmpd.run('snmpset', [target, 'i', '5']);
    assert.notEqual(readOnly.code, 0);
    assert.match(readOnly.stderr.toString(), /noAccess/);
    const writable = await snmpd.run('snmpset', [target, 'i', '5'], [], WRITE_COMMUNITY);
    assert.notEqual(writable.code, 0);
    assert.match(writable.stderr.toString(), /notWritable/);
    const after = ok(await snmpd.run('snmpget', [target]));
    assert.equal(canonical(after[0] as never), 'Integer:-1', 'nothing was written');
  });

  test('six parallel bulk walks while rows appear and vanish underneath', async () => {
    // A third table (.3.1): 200 rows that stay, 50 that come and go as the view is rebuilt every few ms.
    const stable = Array.from({ length: 200 }, (_, i) => `stable-${String(i).padStart(3, '0')}`);
    const churning = Array.from({ length: 50 }, (_, i) => `churn-${String(i).padStart(2, '0')}`);
    const row = (name: string): TableRow => ({ index: stringIndex(name), value: (c) => (c === 2 ? octetString(name) : c === 3 ? integer32(name.length) : undefined) });
    const present = new Set<string>();
    let rebuilds = 0;
    const rebuild = () => {
      for (const name of churning) {
        if (Math.random() >= 0.3) continue;
        if (present.has(name)) present.delete(name);
        else present.add(name);
      }
      const rows = [...stable, ...present].map(row);
      registration.setView(testView(undefined, (b: MibViewBuilder) => b.table([...BASE, 3, 1], [2, 3], rows)));
      rebuilds++;
    };
    rebuild();
    churn = setInterval(rebuild, 3);
    const walks = Array.from({ length: 6 }, () => snmpd.spawn('snmpbulkwalk', [`${base}.3`], ['-Cr50']).done);
    const results = await Promise.all(walks);
    clearInterval(churn);
    assert.ok(rebuilds > 10, `the view changed during the walks (${rebuilds} rebuilds)`);
    const instance = (p: { oid: string }) => p.oid.slice(base.length + 1);
    for (const result of results) {
      const printed = ok(result);
      const names = printed.filter((p) => p.oid.startsWith(`${base}.3.1.2.`)).map((p) => printedBytes(p).toString());
      for (const name of stable) assert.ok(names.includes(name), `${name} in every walk`);
      for (const name of names) assert.ok(stable.includes(name) || churning.includes(name), `${name} is a row that existed`);
      const oids = printed.map(instance);
      assert.ok(oids.every((o) => o.startsWith('3.1.')), 'nothing outside the walked table');
      assert.equal(new Set(oids).size, oids.length, 'no instance twice');
    }
  });
});
