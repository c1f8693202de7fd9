import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { imageName, isImageId } from '../../src/checker/image-name.js';

describe('IMAGENAME: the last segment of the image name, without tag or digest', () => {
  const table: [string, string][] = [
    ['tutum/rabbitmq', 'rabbitmq'],
    ['registry.at.netstream.ru/pusher/scheduler', 'scheduler'],
    ['localhost:5000/a/b:1.2@sha256:4c1d3f5ac7e1b1ce0d4a0c36ca3e6b0c7c1d8c2a9b8f0e3d2c1b0a9f8e7d6c5b', 'b'],
    ['redis', 'redis'],
    ['redis:7', 'redis'],
    ['library/redis:7-alpine', 'redis'],
    ['localhost:5000/web', 'web'],
    ['localhost:5000/web:latest', 'web'],
    ['quay.io/org/team/api@sha256:0000000000000000000000000000000000000000000000000000000000000000', 'api'],
    ['tallyman-test/checker-web:0123456789abcdef', 'checker-web'],
  ];
  for (const [reference, expected] of table) {
    it(`${reference} -> ${expected}`, () => assert.equal(imageName(reference), expected));
  }

  it('tells an image id from a name', () => {
    assert.equal(isImageId(`sha256:${'a'.repeat(64)}`), true);
    assert.equal(isImageId('a'.repeat(64)), true);
    assert.equal(isImageId('tutum/rabbitmq'), false);
  });
});
