import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CheckerLog } from '../../src/checker/log.js';
import { startSyslogReceiver } from '../harness/syslog-receiver.js';
import { tempDir } from '../harness/temp-dir.js';
import { waitFor } from '../harness/wait-for.js';

describe("checker's log", { timeout: 30_000 }, () => {
  test('stdout takes the lines at or above -loglevel, with their level', async () => {
    const lines: string[] = [];
    const log = new CheckerLog({ level: 'NOTICE', stdout: (line) => lines.push(line), syslog: null });
    log.debug('d');
    log.info('i');
    log.notice('n');
    log.warn('w');
    log.critical('c');
    await log.close();
    assert.deepEqual(lines, ['NOTICE n', 'WARNING w', 'CRITICAL c']);
  });

  test('syslog gets each line through logger(1), facility daemon, with its severity', async () => {
    const dir = tempDir('checker-syslog');
    const receiver = await startSyslogReceiver(dir);
    try {
      const log = new CheckerLog({ level: 'DEBUG', stdout: null, syslog: { tag: 'checker-test', socket: receiver.socket } });
      log.error('etcd is unreachable');
      log.debug('no HEALTHCHECK');
      await log.close();
      const received = await waitFor('both datagrams', () => {
        const lines = receiver.log().split('\n').filter((l) => l.includes('checker-test'));
        return lines.length === 2 ? lines : null;
      });
      // daemon = 3: error 3*8+3 = 27, debug 3*8+7 = 31.
      assert.match(received[0] ?? '', /^<27>.*checker-test(\[\d+\])?: etcd is unreachable$/);
      assert.match(received[1] ?? '', /^<31>.*checker-test(\[\d+\])?: no HEALTHCHECK$/);
    } finally {
      await receiver.stop();
      dir.remove();
    }
  });
});
