import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prettyLine } from '../../../src/stevedore/logging/pretty.js';

test('on a terminal a log line reads as time, level, message, then its fields', () => {
  const json = JSON.stringify({ level: 40, time: Date.parse('2026-11-23T10:00:05Z'), pid: 7, msg: 'service DB: ok -> degraded', service: 'DB', to: 'degraded', counts: { ok: 1 } });
  assert.equal(prettyLine(json), '10:00:05 WARN  service DB: ok -> degraded service=DB to=degraded counts={"ok":1}');
  assert.equal(prettyLine('not json'), 'not json');
});
