// Unit tests of the sliding-window size rule the CNN layer helpers use to track shapes.

import assert from 'node:assert/strict';
import { it } from 'node:test';

import { windowOutput } from './feature-map.js';

it('halves 224 with a 7x7 stride-2 convolution padded by 3', () => {
  assert.equal(windowOutput(224, 7, 2, 3), 112);
});

it('keeps the size with a 3x3 stride-1 convolution padded by 1', () => {
  assert.equal(windowOutput(56, 3, 1, 1), 56);
});

it('rounds up in ceil mode as SqueezeNet pooling does', () => {
  assert.equal(windowOutput(111, 3, 2, 0), 55);
  assert.equal(windowOutput(54, 3, 2, 0), 26);
  assert.equal(windowOutput(54, 3, 2, 0, true), 27);
});
