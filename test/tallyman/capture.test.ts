import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OutputCapture } from '../../src/tallyman/capture.js';

describe('captured output', () => {
  test('kept whole under the cap', () => {
    const c = new OutputCapture(16);
    c.push(Buffer.from('hello '));
    c.push(Buffer.from('world'));
    assert.equal(c.text(), 'hello world');
    assert.equal(c.truncated, false);
  });

  test('cut at the cap, across chunks', () => {
    const c = new OutputCapture(8);
    c.push(Buffer.from('hello '));
    c.push(Buffer.from('world'));
    assert.equal(c.text(), 'hello wo');
    assert.equal(c.truncated, true);
  });

  test('a cut never leaves half a character', () => {
    const c = new OutputCapture(5);
    c.push(Buffer.from('abcé')); // é is 2 bytes: 5 bytes in all, fits
    assert.equal(c.text(), 'abcé');
    const d = new OutputCapture(5);
    d.push(Buffer.from('abcd€')); // € is 3 bytes; only 1 fits
    assert.equal(d.text(), 'abcd');
    assert.equal(d.truncated, true);
  });

  test('bytes that are not UTF-8 become U+FFFD', () => {
    const c = new OutputCapture(16);
    c.push(Buffer.from([0x61, 0xff, 0xfe, 0x62]));
    assert.equal(c.text(), 'a\uFFFD\uFFFDb');
  });
});
