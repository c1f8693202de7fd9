import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, symlinkSync } from 'node:fs';
import { ROOT } from '../../harness/built.js';
import { freePort } from '../../harness/free-port.js';
import { startProcess } from '../../harness/managed-process.js';
import { requireTool } from '../../harness/require-tool.js';
import { tempDir } from '../../harness/temp-dir.js';

describe('npm start', { timeout: 60_000 }, () => {
  test('takes its ports from STEVEDORE_LISTEN, STEVEDORE_HTTP_LISTEN and STEVEDORE_SNMP_LISTEN, and says what to try next', async () => {
    requireTool('m4', 'm4');
    const dir = tempDir('npm-start');
    // The checkout's start script and development configuration, beside the built stevedore,
    // so that the state file it writes (dist/development-state.json) stays in this directory.
    for (const sub of ['scripts', 'conf', 'dist']) mkdirSync(dir.file(sub));
    copyFileSync(`${ROOT}scripts/start.mjs`, dir.file('scripts/start.mjs'));
    copyFileSync(`${ROOT}conf/development.conf`, dir.file('conf/development.conf'));
    symlinkSync(`${ROOT}dist/src`, dir.file('dist/src'));
    const [port, readPort, snmpPort] = [await freePort(), await freePort(), await freePort()];
    const url = `http://127.0.0.1:${readPort}`;
    const start = await startProcess({
      name: 'npm-start',
      command: process.execPath,
      args: [dir.file('scripts/start.mjs')],
      dir: dir.path,
      env: { ...process.env, STEVEDORE_LISTEN: `127.0.0.1:${port}`, STEVEDORE_HTTP_LISTEN: `127.0.0.1:${readPort}`, STEVEDORE_SNMP_LISTEN: `127.0.0.1:${snmpPort}` },
      ready: async () => (await fetch(`${url}/v1/health`)).ok,
    });
    try {
      const health = (await (await fetch(`${url}/v1/health`)).json()) as { snmp: { listen: string } };
      assert.equal(health.snmp.listen, `127.0.0.1:${snmpPort}`);
      const told = start.log();
      for (const line of [
        `  node dist/tallyman.cjs -s 127.0.0.1:${port} demo sh -c 'echo all good'`,
        `  curl -s http://127.0.0.1:${readPort}/v1/services`,
        `  open http://127.0.0.1:${readPort}/ in a browser: the status page, live`,
        `  snmpwalk -v2c -c public 127.0.0.1:${snmpPort} .1.3.6.1.4.1.8072.9999.8990`,
      ]) {
        assert.ok(told.split('\n').includes(line), `${line}\n---\n${told}`);
      }
    } finally {
      assert.deepEqual(await start.stop(), { code: 0, signal: null });
      dir.remove();
    }
  });
});
