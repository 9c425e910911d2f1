// Unit tests of the sweep axes.

import assert from 'node:assert/strict';
import { it } from 'node:test';
import { batchSizesUpTo, threadCountsUpTo } from './sweep-axes.js';

it('visits powers of two up to the limit and the limit itself', () => {
  assert.deepEqual(batchSizesUpTo(32), [1, 2, 4, 8, 16, 32]);
  assert.deepEqual(batchSizesUpTo(12), [1, 2, 4, 8, 12]);
  assert.deepEqual(threadCountsUpTo(6), [1, 2, 4, 6]);
  assert.deepEqual(threadCountsUpTo(1), [1]);
});

it('profiles batch 1 only for a model that does not batch', () => {
  assert.deepEqual(batchSizesUpTo(0), [1]);
});
