// jainIndex: the textbook values at the extremes and in between.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jainIndex } from './jain-index.js';

test('equal allocations are perfectly fair', () => {
  assert.equal(jainIndex([3, 3, 3, 3]), 1);
});

test('one flow taking everything scores 1/n', () => {
  assert.equal(jainIndex([0, 0, 0, 7]), 0.25);
});

test('an uneven split scores between 1/n and 1', () => {
  // (1+2+3)^2 / (3 * (1+4+9)) = 36/42
  assert.equal(jainIndex([1, 2, 3]), 36 / 42);
});

test('the index does not depend on the unit of the allocations', () => {
  assert.equal(jainIndex([1, 2, 4]), jainIndex([1000, 2000, 4000]));
});

test('empty and all-zero input count as fair', () => {
  assert.equal(jainIndex([]), 1);
  assert.equal(jainIndex([0, 0]), 1);
});
