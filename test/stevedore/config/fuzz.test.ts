import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../../src/stevedore/config/errors.js';
import { interpret } from '../../../src/stevedore/config/interpret.js';
import { parse } from '../../../src/stevedore/config/parse.js';
import { applySynclines, identityLineMap } from '../../../src/stevedore/config/synclines.js';

/** mulberry32: a small seeded PRNG, so that a failure names a seed that reproduces it. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYNTAX_CODES = new Set([
  'CONFIG_UNEXPECTED_CHARACTER',
  'CONFIG_UNTERMINATED_COMMENT',
  'CONFIG_UNTERMINATED_STRING',
  'CONFIG_BAD_ESCAPE',
  'CONFIG_EXPECTED_SEMICOLON',
  'CONFIG_EXPECTED_STATEMENT',
  'CONFIG_UNEXPECTED_TOKEN',
  'CONFIG_UNCLOSED_BLOCK',
]);

/** Parses and, when that succeeds, interprets: either gives a clean answer, or the test fails. */
function survives(text: string, seed: number, synclines: boolean): void {
  const file = 'fuzz.conf';
  const { text: parsed, map } = synclines ? applySynclines(text, file) : { text, map: identityLineMap(file) };
  const context = `seed ${seed}: ${JSON.stringify(text.slice(0, 200))}`;
  let result;
  try {
    result = parse(parsed, file, map);
  } catch (error) {
    assert.fail(`parse threw on ${context}: ${(error as Error).stack}`);
  }
  if (!result.ok) {
    assert.ok(result.error instanceof ConfigError, context);
    assert.ok(SYNTAX_CODES.has(result.error.code), `${result.error.code} on ${context}`);
    assert.ok(result.error.message.length > 0, context);
    assert.ok((result.error.place.line ?? 0) >= 1 && (result.error.place.col ?? 0) >= 1, `${result.error.format()} on ${context}`);
    return;
  }
  try {
    const interpreted = interpret(result.ast.statements, file, [file]);
    if (!interpreted.ok) for (const e of interpreted.errors) assert.ok(e instanceof ConfigError && e.message.length > 0, context);
  } catch (error) {
    assert.fail(`interpret threw on ${context}: ${(error as Error).stack}`);
  }
}

const PIECES = [
  'service', 'DB', 'web', ';', ';', '{', '}', '{', '}', 'ttl', '5s', '5x', '30', 'listen', '[::1]:8990', 'allow', '10.0.0.0/8',
  'include', 'description', 'max-instances', 'agentx-socket', 'none', 'syslog', 'yes', '"a b"', '"esc \\" \\\\ \\n"', '"bad \\q"',
  '"open', '"', "'", '\\', '#comment\n', '// comment\n', '/*', '*/', '/* block */', '\n', '\r\n', ' ', '\t', '\u00a0', '\u0000',
  '\uFEFF', 'é', '#line 5 "other.conf"\n', '# 9 "cpp.conf" 1\n', '#line 3\n', '{}', '};', '"', 'm4_define(`X\', `Y\')',
];

describe('the parser on random input: clean errors, never a crash', () => {
  test('random bytes, as UTF-8 and as Latin-1', () => {
    for (let seed = 1; seed <= 400; seed++) {
      const random = prng(seed);
      const bytes = Buffer.from(Array.from({ length: Math.floor(random() * 300) }, () => Math.floor(random() * 256)));
      survives(bytes.toString('utf8'), seed, false);
      survives(bytes.toString('latin1'), seed, seed % 2 === 0);
    }
  });

  test('random printable ASCII, dense in the characters the syntax gives meaning to', () => {
    const alphabet = 'ab9 ;;{{}}""\\\\\n\t#//**x';
    for (let seed = 1; seed <= 1000; seed++) {
      const random = prng(seed);
      const text = Array.from({ length: Math.floor(random() * 80) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      survives(text, seed, false);
    }
  });

  test('token soup: statement names, values, braces, quotes and comments in random order', () => {
    for (let seed = 1; seed <= 1500; seed++) {
      const random = prng(seed);
      const pieces = Array.from({ length: Math.floor(random() * 40) }, () => PIECES[Math.floor(random() * PIECES.length)] as string);
      const glue = () => (random() < 0.7 ? ' ' : random() < 0.5 ? '\n' : '');
      survives(pieces.map((p) => p + glue()).join(''), seed, seed % 3 === 0);
    }
  });

  test('well-formed soup parses, once (an ambiguous parse would throw)', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const random = prng(seed);
      const statement = (depth: number): string => {
        const args = Array.from({ length: Math.floor(random() * 3) }, () => (random() < 0.5 ? 'x' : '"y z"')).join(' ');
        if (depth < 2 && random() < 0.3) {
          const inner = Array.from({ length: Math.floor(random() * 3) }, () => statement(depth + 1)).join(' ');
          return `b ${args} { ${inner} }${random() < 0.5 ? ';' : ''}`;
        }
        return `s ${args};`;
      };
      const text = Array.from({ length: Math.floor(random() * 8) }, () => statement(0)).join(random() < 0.5 ? '\n' : '');
      const result = parse(text, 'soup.conf', identityLineMap('soup.conf'));
      assert.ok(result.ok, `seed ${seed}: ${text}: ${result.ok ? '' : result.error.format()}`);
    }
  });
});
