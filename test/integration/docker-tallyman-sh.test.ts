import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OutputCapture } from '../../src/tallyman/capture.js';
import { startDockerd, type Dockerd } from '../harness/dockerd.js';
import { freePort } from '../harness/free-port.js';
import { tallymanShImage } from '../harness/images.js';
import { ReportListener } from '../harness/report-listener.js';
import { startStevedore, type RunningStevedore } from '../harness/stevedore.js';
import type { CliResult } from '../harness/run-cli.js';
import { tempDir, type TempDir } from '../harness/temp-dir.js';
import { waitFor } from '../harness/wait-for.js';

// Building the images the first time on a fresh engine takes a few seconds; the waits are
// generous bounds against hangs, not expectations of speed.
const TIMEOUT = { timeout: 300_000 };
const CHANGE_MS = 60_000;

/** printf formats (octal escapes for the bytes that are not UTF-8) and the bytes they print. */
const STDOUT = { format: 'say "hi" \\\\ back\\tslash\\nline two\\377\\376 \\316\\261\\n', bytes: Buffer.concat([Buffer.from('say "hi" \\ back\tslash\nline two'), Buffer.from([0xff, 0xfe]), Buffer.from(' α\n')]) };
const STDERR = { format: 'err \\\\ \\200 tab\\there\\r\\n', bytes: Buffer.concat([Buffer.from('err \\ '), Buffer.from([0x80]), Buffer.from(' tab\there\r\n')]) };
const TRICKY = `printf '${STDOUT.format}'; printf '${STDERR.format}' >&2`;

/** What tallyman itself would keep of these bytes: its own capture is the rule. */
const kept = (bytes: Buffer): string => {
  const capture = new OutputCapture(4096);
  capture.push(bytes);
  return capture.text();
};

interface Instance {
  hostname: string;
  state: string;
  exitCode: number;
  stdout: string;
  stderr: string;
  truncated: boolean;
}

describe('tallyman.sh in images without Node reports to stevedore on the default gateway', TIMEOUT, () => {
  let dir: TempDir;
  let dockerd: Dockerd;
  let stevedore: RunningStevedore;
  const images: Record<'busybox' | 'bash', string> = { busybox: '', bash: '' };

  /**
   * Runs a container to its end as `docker run --rm` would, with its own output and status: the
   * CLI's warnings (no IPv4 forwarding on this test engine) stay in `docker create`.
   */
  const run = async (args: readonly string[]): Promise<CliResult> => {
    const id = await dockerd.dockerOk(['create', ...args]);
    try {
      return await dockerd.docker(['start', '--attach', id]);
    } finally {
      await dockerd.dockerOk(['rm', '--force', id]);
    }
  };
  const instance = async (service: string, hostname: string): Promise<Instance | undefined> => {
    const r = await stevedore.get(`/v1/services/${service}`);
    return (r.body as { instances: Instance[] }).instances.find((i) => i.hostname === hostname);
  };

  before(async () => {
    dir = tempDir('docker-tallyman-sh');
    dockerd = await startDockerd();
    images.busybox = await tallymanShImage(dockerd, 'busybox');
    images.bash = await tallymanShImage(dockerd, 'bash');
    const port = await freePort();
    stevedore = await startStevedore(dir, `listen 127.0.0.1:${port}; listen ${dockerd.gateway}:8990; service DB; service WEB { ttl 5s; }`, { port });
  });

  after(async () => {
    const cleanups = [() => stevedore?.process.stop(), () => dockerd?.close()];
    const errors: unknown[] = [];
    for (const cleanup of cleanups) await cleanup().catch((e: unknown) => errors.push(e));
    dir?.remove();
    if (errors.length > 0) throw new AggregateError(errors, 'cleanup failed');
  });

  test('the images are what they stand for: busybox sh with nc and no curl; bash with neither curl, wget nor nc', async () => {
    const busybox = await dockerd.dockerOk(['run', '--rm', '--network', 'none', images.busybox, 'sh', '-c', 'command -v curl bash; command -v nc; readlink /bin/sh']);
    // busybox sh names its own applet nc, with or without a link.
    assert.deepEqual(busybox.split('\n'), ['nc', '/bin/busybox']);
    const bash = await dockerd.dockerOk(['run', '--rm', '--network', 'none', images.bash, 'sh', '-c', 'command -v curl wget nc; echo "$BASH_VERSION"']);
    assert.match(bash, /^5\./);
  });

  for (const base of ['busybox', 'bash'] as const) {
    describe(`in the ${base} image`, () => {
      test('quotes, backslashes, tabs, newlines and bytes that are not UTF-8 pass through unchanged and arrive intact, with the exit status', async () => {
        const hostname = `tricky-${base}`;
        const r = await run(['--hostname', hostname, images[base], 'tallyman.sh', 'DB', 'sh', '-c', `${TRICKY}; exit 3`]);
        assert.equal(r.code, 3);
        assert.deepEqual(r.stdout, STDOUT.bytes);
        assert.deepEqual(r.stderr, STDERR.bytes);
        const row = await waitFor(`the report of ${hostname}`, () => instance('DB', hostname));
        assert.deepEqual([row.state, row.exitCode, row.stdout, row.stderr, row.truncated], ['failing', 3, kept(STDOUT.bytes), kept(STDERR.bytes), false]);
      });

      test('more than 4 KiB: passed through whole, reported cut to 4 KiB', async () => {
        const hostname = `long-${base}`;
        const r = await run(['--hostname', hostname, images[base], 'tallyman.sh', 'DB', 'sh', '-c', 'i=0; while [ $i -lt 1000 ]; do echo "line $i"; i=$((i+1)); done']);
        assert.equal(r.code, 0);
        const lines = Array.from({ length: 1000 }, (_, i) => `line ${i}\n`).join('');
        assert.equal(r.stdout.toString(), lines);
        const row = await waitFor(`the report of ${hostname}`, () => instance('DB', hostname));
        assert.deepEqual([row.state, row.stdout, row.truncated], ['ok', lines.slice(0, 4096), true]);
      });

      test('a dead collector leaves the status alone, in one line', async () => {
        const r = await run([images[base], 'tallyman.sh', '-s', `${dockerd.gateway}:1`, 'DB', 'sh', '-c', 'echo out; exit 4']);
        assert.equal(r.code, 4);
        assert.equal(r.stdout.toString(), 'out\n');
        assert.match(r.stderr.toString(), new RegExp(`^tallyman\\.sh: report not delivered to ${dockerd.gateway.replace(/\./g, '\\.')}:1: .*\\n$`));
      });

      test('no network, so no default gateway: one line says so, the status stands', async () => {
        const r = await run(['--network', 'none', images[base], 'tallyman.sh', 'DB', 'sh', '-c', 'echo out; exit 2']);
        assert.equal(r.code, 2);
        assert.equal(r.stdout.toString(), 'out\n');
        assert.equal(r.stderr.toString(), 'tallyman.sh: report not sent: no default gateway to find the collector; use -s HOST:PORT or TALLYMAN_SERVER\n');
      });

      test('a collector that never answers: the wait is bounded, the status stands', async () => {
        const hung = new ReportListener();
        hung.answer = 'never';
        const port = await hung.listen(dockerd.gateway);
        try {
          const r = await run(['-e', `TALLYMAN_SERVER=:${port}`, images[base], 'tallyman.sh', 'DB', 'sh', '-c', 'exit 5']);
          assert.equal(r.code, 5);
          assert.equal(hung.requests.length, 1, 'the report reached the collector on the default gateway');
          assert.equal(r.stderr.toString(), `tallyman.sh: report not delivered to ${dockerd.gateway}:${port}: no answer within 3s\n`);
          // docker run itself takes about a second here; tallyman.sh's own bound is 3 s.
          assert.ok(r.elapsedMs < 3000 + 10_000, `docker run took ${Math.round(r.elapsedMs)} ms`);
        } finally {
          await hung.close();
        }
      });

      test('as the HEALTHCHECK: Docker and stevedore agree, healthy then unhealthy', async () => {
        const hostname = `web-${base}`;
        await dockerd.dockerOk([
          'run', '--detach', '--name', hostname, '--hostname', hostname,
          '--health-cmd', 'tallyman.sh WEB test -f /tmp/ok', '--health-interval', '1s', '--health-retries', '1',
          images[base], 'sh', '-c', "touch /tmp/ok; trap 'exit 0' TERM; sleep 100000 & wait",
        ]);
        await waitFor('instance ok and container healthy', async () =>
          (await instance('WEB', hostname))?.state === 'ok' && (await dockerd.inspect(hostname, '{{.State.Health.Status}}').catch(() => '')) === 'healthy',
        CHANGE_MS, 250).catch(async (error: Error) => {
          throw new Error(`${error.message}; docker health log: ${await dockerd.inspect(hostname, '{{json .State.Health}}').catch(() => '?')}`);
        });
        await dockerd.dockerOk(['exec', hostname, 'rm', '/tmp/ok']);
        await waitFor('instance failing and container unhealthy', async () =>
          (await instance('WEB', hostname))?.state === 'failing' && (await dockerd.inspect(hostname, '{{.State.Health.Status}}')) === 'unhealthy',
        CHANGE_MS, 250);
        assert.equal((await instance('WEB', hostname))?.exitCode, 1);
        await dockerd.dockerOk(['rm', '--force', hostname]);
      });
    });
  }
});
