import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { freePort } from '../harness/free-port.js';
import { startStevedore } from '../harness/stevedore.js';
import { tempDir, type TempDir } from '../harness/temp-dir.js';
import { waitFor } from '../harness/wait-for.js';

type Health = { snmp: { counters: { notifications: number; notificationErrors: number } } };

describe('notifications the embedded agent cannot send', { timeout: 60_000 }, () => {
  let dir: TempDir;
  let receiver: Socket;
  let received = 0;
  before(async () => {
    dir = tempDir('notification-errors');
    receiver = createSocket('udp4');
    receiver.on('message', () => received++);
    await new Promise<void>((resolve) => receiver.bind(0, '127.0.0.1', resolve));
  });
  after(() => {
    receiver.close();
    dir.remove();
  });

  test('are counted as errors, not as sent, and logged once a minute naming the sink\'s place, never the community', async () => {
    const s = await startStevedore(
      dir,
      `service DB; snmp-listen 127.0.0.1:${await freePort()};
       snmp-trap-sink nosuchhost.invalid:162 Comm-Secret-5;
       snmp-trap-sink 127.0.0.1:${receiver.address().port} Comm-Secret-5;`,
    );
    try {
      assert.equal(await s.post({ service: 'DB', hostname: 'c1', exitCode: 1 }), 204);
      const counters = await waitFor('both sinks tried', async () => {
        const c = ((await s.get('/v1/health')).body as Health).snmp.counters;
        return received > 0 && c.notifications === received && c.notificationErrors === received ? c : null;
      });
      assert.equal(counters.notifications, received, 'only those that left are counted as sent');
      const warnings = s.logLines().filter((l) => String(l.msg).startsWith('SNMP notification to'));
      assert.equal(warnings.length, 1, s.process.log());
      assert.equal(warnings[0]?.level, 40, 'at warn');
      const line = readFileSync(s.configFile, 'utf8').split('\n').findIndex((l) => l.includes('nosuchhost.invalid')) + 1;
      assert.equal(warnings[0]?.msg, `SNMP notification to the snmp-trap-sink of ${s.configFile}:${line} not sent: ${String(warnings[0]?.reason)}`);
      assert.match(String(warnings[0]?.reason), /^(ENOTFOUND|EAI_AGAIN)$/);
      // The host name is not repeated either: it could be a community written where HOST goes.
      for (const secret of ['Comm-Secret-5', 'nosuchhost']) assert.ok(!s.process.log().includes(secret), secret);
    } finally {
      await s.process.stop();
    }
  });
});
