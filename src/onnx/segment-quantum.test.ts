// Unit tests of the quantum rule: segments ≈ profiled latency / quantum, clamped.

import assert from 'node:assert/strict';
import { it } from 'node:test';

import { segmentsForQuantum } from './segment-quantum.js';

it('rounds latency over quantum up', () => {
  assert.equal(segmentsForQuantum(9, 2), 5);
  assert.equal(segmentsForQuantum(8, 2), 4);
});

it('never makes fewer than one segment or more than the maximum', () => {
  assert.equal(segmentsForQuantum(0.5, 2), 1);
  assert.equal(segmentsForQuantum(1000, 2), 64);
  assert.equal(segmentsForQuantum(1000, 2, 10), 10);
});

it('makes one segment for a missing or nonsensical figure', () => {
  assert.equal(segmentsForQuantum(Number.NaN, 2), 1);
  assert.equal(segmentsForQuantum(10, 0), 1);
});
