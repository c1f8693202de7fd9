import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { output1Line } from '../../src/common/output-line.js';

describe('tallymanInstanceOutput1Line', () => {
  test('the first line with something in it, leading blank lines and line ends dropped', () => {
    assert.equal(output1Line('\n\r\n   \nMySQL is up\nuptime 3', ''), 'MySQL is up');
    assert.equal(output1Line('a\rb', ''), 'a');
  });

  test('stderr when stdout has nothing; empty when neither has', () => {
    assert.equal(output1Line(' \n', 'refused\n'), 'refused');
    assert.equal(output1Line('', ''), '');
  });

  test('at most 255 bytes, never cutting a character', () => {
    assert.equal(output1Line('x'.repeat(300), ''), 'x'.repeat(255));
    const line = output1Line(`x${'é'.repeat(200)}`, '');
    assert.equal(Buffer.byteLength(line), 255, 'x and 127 é');
    assert.equal(line, `x${'é'.repeat(127)}`);
    assert.equal(Buffer.byteLength(output1Line('é'.repeat(200), '')), 254, 'a 2-byte character does not fit in the last byte');
  });
});
