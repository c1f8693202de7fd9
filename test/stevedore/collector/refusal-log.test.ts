import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startStevedore, type RunningStevedore } from '../../harness/stevedore.js';
import { tempDir, type TempDir } from '../../harness/temp-dir.js';
import { waitFor } from '../../harness/wait-for.js';

const TOKEN = 'Collector-Tok3n';
const WRONG = 'Wrong-Tok3n-Sent';

describe('refused reports in the log', { timeout: 60_000 }, () => {
  let dir: TempDir;
  let s: RunningStevedore;
  before(async () => {
    dir = tempDir('refusal-log');
    s = await startStevedore(dir, `service DB; token ${TOKEN}; allow 127.0.0.1/32;`);
  });
  after(async () => {
    await s.process.stop();
    dir.remove();
  });

  const report = JSON.stringify({ service: 'DB', hostname: 'c1', exitCode: 0 });
  const send = async (token: string | null): Promise<number> => {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(token !== null && { authorization: `Bearer ${token}` }) };
    const res = await fetch(`${s.url}/v1/report`, { method: 'POST', headers, body: report });
    await res.arrayBuffer();
    return res.status;
  };
  const refusals = (): Record<string, unknown>[] => s.logLines().filter((l) => /^refused a (request|connection) from/.test(String(l.msg)));

  test('a wrong token, a missing one and a disallowed address: each logged at warn once a minute per address and reason, never the token', async () => {
    for (let i = 0; i < 3; i++) assert.equal(await send(WRONG), 401);
    assert.equal(await send(null), 401);
    // A disallowed address is refused as it connects: no answer at all.
    await assert.rejects(s.post({ service: 'DB', hostname: 'c1', exitCode: 0 }, { from: '127.0.0.2' }), { code: 'ECONNRESET' });
    await assert.rejects(s.post({ service: 'DB', hostname: 'c1', exitCode: 0 }, { from: '127.0.0.2' }), { code: 'ECONNRESET' });
    const lines = await waitFor('three refusals logged', () => (refusals().length >= 3 ? refusals() : null));
    assert.deepEqual(
      lines.map((l) => [l.level, l.source, l.code]),
      [
        [40, '127.0.0.1', 'TOKEN_WRONG'],
        [40, '127.0.0.1', 'TOKEN_MISSING'],
        [40, '127.0.0.2', 'SOURCE_NOT_ALLOWED'],
      ],
    );
    assert.match(String(lines[2]?.msg), /127\.0\.0\.2 may not send reports/);
    assert.ok(!s.process.log().includes(WRONG) && !s.process.log().includes(TOKEN));
    assert.equal(await send(TOKEN), 204, 'the right token is still taken');
  });
});
