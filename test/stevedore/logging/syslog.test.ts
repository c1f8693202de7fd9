import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { syslogLine, syslogStream, syslogWarning } from '../../../src/stevedore/logging/syslog.js';
import { startSyslogReceiver } from '../../harness/syslog-receiver.js';
import { tempDir } from '../../harness/temp-dir.js';
import { waitFor } from '../../harness/wait-for.js';

describe('syslog', { timeout: 30_000 }, () => {
  test('severity follows the pino level, facility the configuration', () => {
    const line = (level: number) => syslogLine(JSON.stringify({ level, time: 0, pid: 1, hostname: 'h', msg: 'm' }), 3);
    assert.equal(line(30), '<30>m');
    assert.equal(line(40), '<28>m');
    assert.equal(line(50), '<27>m');
    assert.equal(line(20), '<31>m');
    assert.equal(syslogLine(JSON.stringify({ level: 30, msg: 'a\nb', service: 'DB' }), 16), '<134>a b {"service":"DB"}');
  });

  test('lines reach a real datagram socket through logger(1), with tag and priority', async () => {
    const dir = tempDir('syslog');
    const receiver = await startSyslogReceiver(dir);
    try {
      const stream = syslogStream('stevedore-test', 'local3', receiver.socket);
      const log = pino({ level: 'info' }, stream);
      log.warn({ service: 'DB' }, 'service DB: ok -> degraded');
      const received = await waitFor('the datagram', () => receiver.log().split('\n').find((l) => l.includes('degraded')));
      // local3 = 19; warning = 4: PRI 19*8+4 = 156.
      assert.match(received, /^<156>.*stevedore-test(\[\d+\])?: service DB: ok -> degraded \{"service":"DB"\}$/);
      await new Promise<void>((resolve) => stream.end(resolve));
    } finally {
      await receiver.stop();
      dir.remove();
    }
  });

  test("'syslog yes' with nobody on the socket is a warning that says so and what to do; a live socket is silent", async () => {
    const dir = tempDir('syslog');
    const socket = dir.file('log.sock');
    try {
      assert.equal(
        await syslogWarning(socket),
        `stevedore: warning: 'syslog yes;' but no syslog daemon takes lines on ${socket} (socket ${socket}: No such file or directory): those log lines are lost; start one (rsyslog, systemd-journald) or remove 'syslog yes;'\n`,
      );
      const receiver = await startSyslogReceiver(dir);
      try {
        assert.equal(receiver.socket, socket);
        assert.equal(await syslogWarning(socket), null);
      } finally {
        await receiver.stop();
      }
      // The socket file outlives its daemon: still nobody to take the lines.
      assert.match((await syslogWarning(socket)) ?? '', /\(socket .*log\.sock: Connection refused\)/);
    } finally {
      dir.remove();
    }
  });
});
