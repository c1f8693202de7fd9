import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Subagent, formatOid, integer32, octetString, type Registration } from '../../src/agentx/index.js';
import { freePort } from '../harness/free-port.js';
import { startProcess, type ManagedProcess } from '../harness/managed-process.js';
import { requireTool } from '../harness/require-tool.js';
import { startSnmpd, type Snmpd } from '../harness/snmpd.js';
import { tempDir, type TempDir } from '../harness/temp-dir.js';
import { waitFor } from '../harness/wait-for.js';
import { canonical, parsePrinted } from './snmp-output.js';
import { BASE, TRAP, testView } from './test-view.js';

const TIMEOUT = { timeout: 60_000 };

/**
 * The notifications snmptrapd logged (-Lf, -On, -Ox): each one's VarBinds as 'OID Type:value'.
 * A record is a header line ('DATE TIME HOST [UDP: ...]:') then VarBinds separated by tabs, a
 * long Hex-STRING running over several lines.
 */
function received(log: string): string[][] {
  return log
    .split(/^\d{4}-\d\d-\d\d [^\n]*\]:\n/m)
    .slice(1)
    .map((body) =>
      body
        .replace(/\n/g, ' ')
        .split('\t')
        .flatMap((vb) => parsePrinted(vb.trim()).map((p) => `${p.oid} ${canonical(p)}`)),
    );
}

describe('notifications through snmpd reach a real snmptrapd', TIMEOUT, () => {
  let dir: TempDir;
  let trapd: ManagedProcess;
  let snmpd: Snmpd;
  let agent: Subagent;
  let registration: Registration;
  let trapLog = '';

  before(async () => {
    dir = tempDir('agentx-notify');
    const port = await freePort();
    const conf = dir.file('snmptrapd.conf');
    writeFileSync(conf, 'disableAuthorization yes\n');
    mkdirSync(dir.file('trapd-persist'));
    trapLog = dir.file('traps.log');
    trapd = await startProcess({
      name: 'snmptrapd',
      command: requireTool('snmptrapd', 'snmptrapd'),
      args: ['-f', '-C', '-c', conf, '-Lf', trapLog, '-On', '-Ox', '-p', dir.file('snmptrapd.pid'), `udp:127.0.0.1:${port}`],
      dir: dir.path,
      env: { PATH: process.env.PATH, SNMP_PERSISTENT_DIR: dir.file('trapd-persist'), MIBS: '' },
      ready: () => readFileSync(trapLog, 'utf8').includes('NET-SNMP version'),
    });
    snmpd = await startSnmpd(dir.path, { config: [`trap2sink 127.0.0.1:${port} public`] });
    agent = new Subagent({ address: snmpd.agentx, description: 'tallyman agentx notify test' });
    registration = agent.register({ subtree: BASE, view: testView() });
    agent.start();
    await waitFor('registered', () => registration.state === 'registered');
  });

  after(async () => {
    await agent.close();
    await snmpd.stop();
    await trapd.stop();
    dir.remove();
  });

  test('a notification with our sysUpTime.0, snmpTrapOID.0 and UTF-8 text arrives as sent', async () => {
    const text = 'état: failing — 10 €';
    await agent.notify(TRAP, [{ name: [...BASE, 1, 0], value: octetString(text) }, { name: [...BASE, 3, 0], value: integer32(-7) }], { sysUpTime: 4242 });
    const traps = await waitFor('the trap logged', () => received(readFileSync(trapLog, 'utf8')).find((t) => t.some((vb) => vb.includes(formatOid(TRAP)))));
    assert.deepEqual(traps, [
      '1.3.6.1.2.1.1.3.0 TimeTicks:4242',
      `1.3.6.1.6.3.1.1.4.1.0 ObjectIdentifier:${formatOid(TRAP)}`,
      `${formatOid(BASE)}.1.0 OctetString:${Buffer.from(text).toString('hex')}`,
      `${formatOid(BASE)}.3.0 Integer:-7`,
    ]);
  });

  test('without sysUpTime.0, snmpd puts its own first', async () => {
    const trap = [...TRAP.slice(0, -1), 2];
    await agent.notify(trap, [{ name: [...BASE, 1, 0], value: octetString('second') }]);
    const traps = await waitFor('the trap logged', () => received(readFileSync(trapLog, 'utf8')).find((t) => t.some((vb) => vb.endsWith(formatOid(trap)))));
    assert.match(traps[0] as string, /^1\.3\.6\.1\.2\.1\.1\.3\.0 TimeTicks:\d+$/);
    assert.deepEqual(traps.slice(1), [`1.3.6.1.6.3.1.1.4.1.0 ObjectIdentifier:${formatOid(trap)}`, `${formatOid(BASE)}.1.0 OctetString:${Buffer.from('second').toString('hex')}`]);
  });
});
