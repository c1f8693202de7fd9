import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseResponseHead, responseBody } from '../../src/tallyman/http-response.js';

describe('collector answer', () => {
  test('incomplete head: not yet', () => {
    assert.equal(parseResponseHead(Buffer.from('HTTP/1.1 204 No Content\r\nDate: x\r\n')), null);
  });

  test('status and headers', () => {
    const data = Buffer.from('HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 27\r\n\r\n{"error":"no service \'X\'"}');
    const head = parseResponseHead(data);
    assert.ok(head);
    assert.equal(head.status, 404);
    assert.equal(head.headers.get('content-length'), '27');
    assert.equal(responseBody(head, data), '{"error":"no service \'X\'"}');
  });

  test('chunked body is reassembled', () => {
    const data = Buffer.from('HTTP/1.1 500 Oops\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"err\r\n8\r\nor":"x"}\r\n0\r\n\r\n');
    const head = parseResponseHead(data);
    assert.ok(head);
    assert.equal(responseBody(head, data), '{"error":"x"}');
  });

  test('not HTTP at all', () => {
    assert.throws(() => parseResponseHead(Buffer.from('SSH-2.0-OpenSSH\r\n\r\n')), /not an HTTP response/);
  });
});
