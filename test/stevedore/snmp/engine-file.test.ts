import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { loadEngineIdentity } from '../../../src/stevedore/snmp/engine-file.js';
import { tempDir } from '../../harness/temp-dir.js';

describe('the SNMP engine file (STATE-FILE.engine)', () => {
  test('created on the first start, the same id and one more boot on each next one', async () => {
    const dir = tempDir('engine-file');
    try {
      const path = dir.file('state.json.engine');
      const first = await loadEngineIdentity(path);
      assert.equal(first.boots, 1);
      // RFC 3411: enterprise 8072 with the top bit, format 5 (octets), 8 octets.
      assert.match(first.id.toString('hex'), /^80001f8805[0-9a-f]{16}$/);
      const second = await loadEngineIdentity(path);
      assert.deepEqual(second, { id: first.id, boots: 2 });
      assert.equal(readFileSync(path, 'utf8'), `engine-id ${first.id.toString('hex')}\nboots 2\n`);
    } finally {
      dir.remove();
    }
  });

  test('a damaged file stops the start with what to do, and is left as it was', async () => {
    const dir = tempDir('engine-file');
    try {
      const path = dir.file('state.json.engine');
      for (const text of ['engine-id 80\nboots 1\n', 'engine-id zz\nboots 1\n', 'boots 1\n', '']) {
        writeFileSync(path, text);
        await assert.rejects(loadEngineIdentity(path), (e: Error & { code?: string }) => e.code === 'SNMP_ENGINE_FILE' && e.message.includes(path) && /remove it/.test(e.message));
        assert.equal(readFileSync(path, 'utf8'), text);
      }
    } finally {
      dir.remove();
    }
  });

  test('without a state file: an id from the host name, the same every time', async () => {
    const a = await loadEngineIdentity(null);
    const b = await loadEngineIdentity(null);
    assert.deepEqual(a, b);
    assert.equal(a.boots, 1);
    assert.equal(a.id.length, 13);
  });
});
