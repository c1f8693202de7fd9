import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { OutputCapture } from '../../src/tallyman/capture.js';
import { ReportListener } from '../harness/report-listener.js';
import { tempDir, type TempDir } from '../harness/temp-dir.js';
import { reachable, SHELLS, tallymanSh, toolPath, TRANSPORTS, type Shell, type Transport } from './sandbox.js';

const TIMEOUT = { timeout: 120_000 };
const CAP = 4096;

const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const repeat = (text: string, bytes: number): Buffer => Buffer.from(text.repeat(Math.ceil(bytes / text.length)).slice(0, bytes), 'latin1');

/** Outputs that break naive JSON escaping: [name, stdout, stderr]. */
const TABLE: [string, Buffer, Buffer][] = [
  ['nothing at all', Buffer.alloc(0), Buffer.alloc(0)],
  ['a line each', Buffer.from('mysqld is alive\n'), Buffer.from('warning: slow\n')],
  ['quotes and backslashes', Buffer.from('say "hi" \\ \\" \\\\ \\n \\u0041 \'single\''), Buffer.from('"\\')],
  ['tabs, newlines and carriage returns', Buffer.from('a\tb\nc\r\nd\n\n\t'), Buffer.from('\r')],
  ['every control character and DEL', Buffer.from(Array.from({ length: 32 }, (_, i) => i).concat(127)), Buffer.from([0, 0, 10])],
  ['printf and awk specials', Buffer.from('%s %d %% %c \\x41 $HOME `id` $(id) & ; |'), Buffer.from('-\n- \n  -\n')],
  ['UTF-8 of every length, surrogate pairs included', Buffer.from('é α € 日本 𝄞 😀\n'), Buffer.from('ü')],
  ['bytes that are not UTF-8', Buffer.from([0x80, 0xff, 0xfe, 0x41, 0xc0, 0xaf, 0xc1, 0xbf]), Buffer.from([0xe2, 0x28, 0xa1, 0x42])],
  ['surrogates and code points past U+10FFFF encoded as UTF-8', Buffer.from([0xed, 0xa0, 0x80, 0xed, 0xbf, 0xbf, 0xf4, 0x90, 0x80, 0x80, 0xf5, 0x80]), Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80])],
  ['overlong encodings', Buffer.from([0xe0, 0x80, 0xaf, 0xf0, 0x80, 0x80, 0xaf, 0x43]), Buffer.from([0xc0, 0x80])],
  ['sequences cut short, mid-stream and at the end', Buffer.from([0xe2, 0x82, 0x41, 0xf0, 0x9f, 0x98, 0x42, 0xe2, 0x82]), Buffer.from([0xf0, 0x9f])],
  ['all 256 byte values', allBytes, Buffer.concat([allBytes].concat(allBytes).reverse())],
  ['exactly 4 KiB: not cut', repeat('0123456789abcdef', CAP), Buffer.alloc(0)],
  ['4 KiB and one byte: cut', repeat('x', CAP + 1), repeat('y', 10)],
  ['a character cut by the 4 KiB cap is dropped', Buffer.concat([repeat('a', CAP - 1), Buffer.from('€ and more')]), Buffer.concat([repeat('b', CAP - 2), Buffer.from('😀')])],
  ['200 KiB of every byte: passed through whole, kept to 4 KiB', Buffer.concat(Array.from({ length: 800 }, () => allBytes)), repeat('e\n', 100_000)],
];

/** What tallyman itself would report for these bytes: its own capture is the rule. */
function asTallyman(bytes: Buffer): { text: string; truncated: boolean } {
  const capture = new OutputCapture(CAP);
  capture.push(bytes);
  return { text: capture.text(), truncated: capture.truncated };
}

/** Equal, or a failure that shows where they part (the texts are too long to print whole). */
function sameText(actual: unknown, expected: string, what: string): void {
  if (actual === expected) return;
  const text = String(actual);
  let i = 0;
  while (i < text.length && text[i] === expected[i]) i++;
  assert.fail(`${what}: differs at ${i} of ${expected.length}: got ${JSON.stringify(text.slice(i, i + 200))}, expected ${JSON.stringify(expected.slice(i, i + 24))}`);
}
const sameBytes = (actual: Buffer, expected: Buffer, what: string): void => sameText(actual.toString('latin1'), expected.toString('latin1'), what);

describe('tallyman.sh escapes any output into valid JSON, as tallyman decodes it', TIMEOUT, () => {
  const listener = new ReportListener();
  let port = 0;
  let dir: TempDir;
  let tmpdir: string;
  let fixtures: string;

  before(async () => {
    port = await listener.listen();
    dir = tempDir('tallyman-sh-escaping');
    tmpdir = dir.file('tmp');
    fixtures = dir.file('fixtures');
    mkdirSync(tmpdir);
    mkdirSync(fixtures);
    TABLE.forEach(([, stdout, stderr], i) => {
      writeFileSync(`${fixtures}/${i}.out`, stdout);
      writeFileSync(`${fixtures}/${i}.err`, stderr);
    });
  });
  after(async () => {
    await listener.close();
    dir.remove();
  });

  for (const shell of Object.keys(SHELLS) as Shell[]) {
    for (const transport of (Object.keys(TRANSPORTS) as Transport[]).filter((t) => reachable(shell, t))) {
      test(`under ${shell}, sent with ${transport}: every output of the table arrives intact, and passes through unchanged`, async () => {
        const path = toolPath(dir, shell, transport);
        for (const [i, [name, stdout, stderr]] of TABLE.entries()) {
          listener.requests.length = 0;
          const status = i % 4;
          const r = await tallymanSh({ shell, path, tmpdir }, ['-s', `127.0.0.1:${port}`, '-h', 'db-1', 'DB', 'sh', '-c', 'cat "$1"; cat "$2" >&2; exit "$3"', 'check', `${fixtures}/${i}.out`, `${fixtures}/${i}.err`, String(status)]);
          assert.equal(r.code, status, `${name}: exit status`);
          sameBytes(r.stdout, stdout, `${name}: stdout passed through`);
          sameBytes(r.stderr, stderr, `${name}: stderr passed through`);
          assert.equal(listener.requests.length, 1, `${name}: one report`);
          const body = listener.requests[0]!.body;
          assert.match(body, /^[\x20-\x7e]*$/, `${name}: the body is printable ASCII`);
          const report = JSON.parse(body) as Record<string, unknown>;
          const out = asTallyman(stdout);
          const err = asTallyman(stderr);
          assert.deepEqual(Object.keys(report), ['service', 'hostname', 'exitCode', 'stdout', 'stderr', 'truncated']);
          assert.deepEqual([report.service, report.hostname, report.exitCode, report.truncated], ['DB', 'db-1', status, out.truncated || err.truncated], `${name}: the report`);
          sameText(report.stdout, out.text, `${name}: stdout reported`);
          sameText(report.stderr, err.text, `${name}: stderr reported`);
          assert.deepEqual(readdirSync(tmpdir), [], `${name}: temporary files removed`);
        }
      });
    }
  }

  test('the hostname is escaped too', async () => {
    listener.requests.length = 0;
    const path = toolPath(dir, 'dash', 'curl');
    const r = await tallymanSh({ shell: 'dash', path, tmpdir }, ['-s', `127.0.0.1:${port}`, '-h', 'a"b\\c\té', 'DB', 'sh', '-c', 'exit 0']);
    assert.equal(r.code, 0);
    const report = JSON.parse(listener.requests[0]!.body) as Record<string, unknown>;
    assert.equal(report.hostname, 'a"b\\c\té');
  });
});
