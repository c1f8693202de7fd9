import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkTimeoutMs, readHealthcheckEnv } from '../../src/checker/healthcheck-env.js';
import { shellWords } from '../../src/checker/shell-words.js';

describe('HEALTHCHECK and HEALTHCHECKPERIOD from the container environment', () => {
  it('splits HEALTHCHECK into words as a shell would, with no shell', () => {
    assert.deepEqual(shellWords('ping'), ['ping']);
    assert.deepEqual(shellWords('  /usr/bin/check.sh  -q\t--port 80 '), ['/usr/bin/check.sh', '-q', '--port', '80']);
    assert.deepEqual(shellWords(`sh -c 'test -f /tmp/ok && echo "up"'`), ['sh', '-c', 'test -f /tmp/ok && echo "up"']);
    assert.deepEqual(shellWords(`say "a \\"quoted\\" \\$HOME" it\\ is ''`), ['say', 'a "quoted" $HOME', 'it is', '']);
    assert.deepEqual(shellWords('echo $HOME; rm -rf / | x > y'), ['echo', '$HOME;', 'rm', '-rf', '/', '|', 'x', '>', 'y']);
  });

  it('reads the command, the period and the default', () => {
    assert.deepEqual(readHealthcheckEnv(['PATH=/bin', 'HEALTHCHECK=/check.sh -v', 'HEALTHCHECKPERIOD=5']), { command: ['/check.sh', '-v'], periodSeconds: 5, problem: null });
    assert.deepEqual(readHealthcheckEnv(['PATH=/bin']), { command: null, periodSeconds: 30, problem: null });
    assert.equal(readHealthcheckEnv(['HEALTHCHECK=   ']).command, null);
    assert.deepEqual(readHealthcheckEnv(['HEALTHCHECK=a=b c']).command, ['a=b', 'c']);
  });

  it('reports a bad HEALTHCHECKPERIOD and uses the default', () => {
    for (const bad of ['', 'ten', '0', '-5', '1.5', '10s', '86401']) {
      const env = readHealthcheckEnv(['HEALTHCHECK=ping', `HEALTHCHECKPERIOD=${bad}`]);
      assert.equal(env.periodSeconds, 30, bad);
      assert.match(env.problem ?? '', /HEALTHCHECKPERIOD=.* is not a whole number of seconds from 1 to 86400: using 30/, bad);
    }
  });

  it('reports a HEALTHCHECK with an unclosed quote', () => {
    const env = readHealthcheckEnv([`HEALTHCHECK=sh -c 'oops`]);
    assert.equal(env.command, null);
    assert.match(env.problem ?? '', /single quote is not closed: fix the quoting/);
  });

  it('limits a check to its period, and to 30 s', () => {
    assert.equal(checkTimeoutMs(2), 2000);
    assert.equal(checkTimeoutMs(300), 30_000);
  });
});
