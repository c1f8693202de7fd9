import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatOid } from '../../../src/agentx/index.js';
import { namedOids } from '../../../src/stevedore/snmp/tallyman-mib.js';
import { ROOT } from '../../harness/built.js';
import { runCli } from '../../harness/run-cli.js';
import { requireTool } from '../../harness/require-tool.js';
import { runWithMib } from '../../harness/mib-tools.js';
import { tempDir } from '../../harness/temp-dir.js';

const MIB = `${ROOT}mib/TALLYMAN-MIB.txt`;

describe('mib/TALLYMAN-MIB.txt', { timeout: 30_000 }, () => {
  const dir = tempDir('mib');
  after(() => dir.remove());

  test('smilint -l 9 finds nothing in it but the implicit-node note of its enterprise arc', async () => {
    const r = await runCli(requireTool('smilint', 'smitools'), ['-l', '9', MIB], { env: { PATH: process.env.PATH ?? '', SMIPATH: `${ROOT}mib/ietf` } });
    const ours = r.stderr.toString().split('\n').filter((line) => line.includes('TALLYMAN-MIB.txt'));
    // tallymanInstanceConsecutiveFailures is 35 characters: RFC 2578 section 3.1 says descriptors
    // SHOULD NOT exceed 32, but the name is the one operators were promised.
    const other = ours.filter((line) => !/: warning: implicit node definition$/.test(line) && !/`tallymanInstanceConsecutiveFailures' longer than 32 characters$/.test(line));
    assert.deepEqual(other, [], ours.join('\n'));
    assert.ok(ours.length > 0, 'smilint read the file (the implicit-node note shows it did)');
  });

  test('snmptranslate loads it, and every OID in the code is the one the MIB assigns to that name', async () => {
    const named = namedOids();
    const names = Object.keys(named);
    const r = await runWithMib('snmptranslate', ['-On', ...names.map((n) => `TALLYMAN-MIB::${n}`)], dir.file('persist'));
    assert.equal(r.code, 0, r.stderr.toString());
    const translated = r.stdout.toString().split('\n').filter((line) => line !== '');
    assert.equal(translated.length, names.length);
    names.forEach((name, i) => assert.equal(translated[i], `.${formatOid(named[name]!)}`, name));
  });

  test('the MIB has no object the code does not know', async () => {
    const r = await runWithMib('snmptranslate', ['-Tl'], dir.file('persist'));
    const ours = r.stdout
      .toString()
      .split('\n')
      .filter((l) => l.includes('.tallymanMIB('))
      .map((l) => /\.([A-Za-z][A-Za-z0-9]*)\(\d+\)$/.exec(l)?.[1])
      .filter((n): n is string => n !== undefined);
    const known = new Set(Object.keys(namedOids()));
    const groupsAndConformance = /^(tallymanConformance|tallymanCompliances|tallymanGroups|tallymanCompliance[23]?|tallyman\w+Group|tallymanServiceTable|tallymanInstanceTable|tallymanClusterHostTable|tallymanClusterInstanceTable)$/;
    const unknown = ours.filter((n) => !known.has(n) && !groupsAndConformance.test(n));
    assert.deepEqual(unknown, []);
    assert.ok(ours.length >= 30);
  });
});
