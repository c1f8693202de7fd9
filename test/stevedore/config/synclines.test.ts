import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applySynclines } from '../../../src/stevedore/config/synclines.js';

describe('synclines map preprocessed lines back to their files', () => {
  test('m4 -s: #line N "FILE", and #line N for the same file; the synclines become blank lines', () => {
    const { text, map } = applySynclines('#line 2 "main.conf"\nlisten x;\n#line 1 "inc.conf"\nservice A;\n#line 9\nservice B;\n#line 3 "main.conf"\nttl 5s;\n', 'main.conf');
    assert.equal(text, '\nlisten x;\n\nservice A;\n\nservice B;\n\nttl 5s;\n');
    assert.deepEqual([2, 4, 6, 8].map((line) => map.locate(line, 3)), [
      { file: 'main.conf', line: 2, col: 3 },
      { file: 'inc.conf', line: 1, col: 3 },
      { file: 'inc.conf', line: 9, col: 3 },
      { file: 'main.conf', line: 3, col: 3 },
    ]);
    assert.deepEqual(map.files, ['main.conf', 'inc.conf']);
  });

  test('cpp line markers, with their flags', () => {
    const { map } = applySynclines('# 1 "a.conf"\nx;\n# 40 "b.conf" 1 3\ny;\nz;\n', 'a.conf');
    assert.deepEqual([2, 4, 5].map((line) => map.locate(line, 1)), [
      { file: 'a.conf', line: 1, col: 1 },
      { file: 'b.conf', line: 40, col: 1 },
      { file: 'b.conf', line: 41, col: 1 },
    ]);
  });

  test('lines before any syncline are the main file\'s; comments that only look alike stay', () => {
    const { text, map } = applySynclines('a;\n#line five "x"\n# comment\nb;\n', 'main.conf');
    assert.equal(text, 'a;\n#line five "x"\n# comment\nb;\n');
    assert.deepEqual(map.locate(4, 1), { file: 'main.conf', line: 4, col: 1 });
  });
});
