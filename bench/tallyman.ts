// bench/tallyman: what one health check costs in start-up time and memory.
// Median wall time and peak RSS of `tallyman -s 127.0.0.1:PORT SVC true` reporting to a live
// local listener, against `node -e 0` measured in the same run, the two alternating.
// Targets: wall <= 1.25x, peak RSS <= 1.2x.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { median } from './stats.js';

const TALLYMAN = fileURLToPath(new URL('../tallyman.cjs', import.meta.url));
const TIME = '/usr/bin/time'; // GNU time: peak RSS of the child (Debian package 'time', npm run setup)
const RUNS = Number(process.env.BENCH_RUNS ?? 40);

interface Sample {
  wallMs: number;
  rssKiB: number;
}

function measure(args: string[]): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(TIME, ['-f', '%M', process.execPath, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
      const rssKiB = Number(err.trim().split('\n').pop());
      if (code !== 0 || !Number.isFinite(rssKiB)) reject(new Error(`${args.join(' ')} failed (${code}): ${err}`));
      else resolve({ wallMs, rssKiB });
    });
  });
}

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(204).end());
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as AddressInfo).port;

const baseline = ['-e', '0'];
const subject = [TALLYMAN, '-s', `127.0.0.1:${port}`, 'SVC', 'true'];
const base: Sample[] = [];
const tally: Sample[] = [];
for (let i = 0; i < 5; i++) {
  await measure(baseline);
  await measure(subject);
}
for (let i = 0; i < RUNS; i++) {
  base.push(await measure(baseline));
  tally.push(await measure(subject));
}
server.close();

const wallBase = median(base.map((s) => s.wallMs));
const wallTally = median(tally.map((s) => s.wallMs));
const rssBase = median(base.map((s) => s.rssKiB));
const rssTally = median(tally.map((s) => s.rssKiB));
const wallRatio = wallTally / wallBase;
const rssRatio = rssTally / rssBase;
console.log(`bench/tallyman (${RUNS} runs each, alternating)`);
console.log(`  node -e 0:            wall ${wallBase.toFixed(1)} ms, peak RSS ${(rssBase / 1024).toFixed(1)} MiB`);
console.log(`  tallyman SVC true:    wall ${wallTally.toFixed(1)} ms, peak RSS ${(rssTally / 1024).toFixed(1)} MiB`);
console.log(`  wall ratio ${wallRatio.toFixed(2)}x (target <= 1.25x) ${wallRatio <= 1.25 ? 'ok' : 'OVER'}`);
console.log(`  peak RSS ratio ${rssRatio.toFixed(2)}x (target <= 1.20x) ${rssRatio <= 1.2 ? 'ok' : 'OVER'}`);
