// Tests for target strings: app:, task:, model:[@version], and clear errors for anything else.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatTarget, parseTarget } from './target.js';

test('app, task and model targets parse into their kind and name', () => {
  assert.deepEqual(parseTarget('app:frontdoor'), { kind: 'app', name: 'frontdoor' });
  assert.deepEqual(parseTarget('task:image-classification'), { kind: 'task', name: 'image-classification' });
  assert.deepEqual(parseTarget('model:tiny-add'), { kind: 'model', name: 'tiny-add' });
});

test('a model target may name a version after @', () => {
  assert.deepEqual(parseTarget('model:resnet18@2'), { kind: 'model', name: 'resnet18', version: '2' });
  assert.equal(formatTarget(parseTarget('model:resnet18@2')), 'model:resnet18@2');
  assert.equal(formatTarget(parseTarget('task:t')), 'task:t');
});

test('an unknown kind, a missing name or an empty version is an INVALID_ARGUMENT naming the flag', () => {
  for (const bad of ['tiny-add', 'bogus:x', 'app:', 'model:@1', 'model:m@']) {
    assert.throws(() => parseTarget(bad, '--target'), (e: { code?: string; message: string }) => e.code === 'INVALID_ARGUMENT' && e.message.startsWith('--target'));
  }
});
