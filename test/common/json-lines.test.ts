import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonLines } from '../../src/common/json-lines.js';

describe('newline-delimited JSON read in chunks', () => {
  it('gives each complete line once, whatever the chunk boundaries, and skips what is not JSON', () => {
    const values: unknown[] = [];
    const feed = jsonLines((v) => values.push(v));
    feed('{"a":1}\n{"b"');
    assert.deepEqual(values, [{ a: 1 }]);
    feed(':2}\n\n  \nnot json\n[3');
    assert.deepEqual(values, [{ a: 1 }, { b: 2 }]);
    feed(']\n');
    assert.deepEqual(values, [{ a: 1 }, { b: 2 }, [3]]);
  });
});
