import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ROOT } from '../../harness/built.js';

test('the committed parser is what nearleyc makes of grammar.ne (regenerate: npm run grammar)', () => {
  const generated = execFileSync(process.execPath, [`${ROOT}node_modules/nearley/bin/nearleyc.js`, `${ROOT}src/stevedore/config/grammar.ne`], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const committed = readFileSync(`${ROOT}src/stevedore/config/grammar.ts`, 'utf8');
  assert.ok(generated === committed, 'src/stevedore/config/grammar.ts differs from nearleyc\'s output for grammar.ne: run `npm run grammar`, never edit it by hand');
});
