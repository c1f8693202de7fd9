// A reader slower than any writer: reads stdin BYTES at a time, sleeping MS after each read
// (and START_MS before the first), then prints how many bytes it got and their SHA-256
// ("COUNT HEX"). Usage: node slow-reader.js BYTES MS [START_MS]
import { createHash } from 'node:crypto';
import { readSync } from 'node:fs';

const [size, ms, startMs = 0] = process.argv.slice(2).map(Number) as [number, number, number?];
const buffer = Buffer.alloc(size);
const hash = createHash('sha256');
const nap = new Int32Array(new SharedArrayBuffer(4));
let count = 0;
Atomics.wait(nap, 0, 0, startMs);
for (;;) {
  const n = readSync(0, buffer, 0, size, null);
  if (n === 0) break;
  hash.update(buffer.subarray(0, n));
  count += n;
  Atomics.wait(nap, 0, 0, ms);
}
process.stdout.write(`${count} ${hash.digest('hex')}\n`);
