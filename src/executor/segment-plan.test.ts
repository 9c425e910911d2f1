// Unit tests of the job plan of a segmented model: model inputs, final outputs, and what each segment frees.

import assert from 'node:assert/strict';
import { it } from 'node:test';

import { planSegments } from './segment-plan.js';

const segments = [
  { inputs: ['x'], outputs: ['a', 'early'] },
  { inputs: ['a'], outputs: ['b'] },
  { inputs: ['b', 'mask', 'a'], outputs: ['y'] },
];

it('finds the model inputs as what no earlier segment produced, in order of first use', () => {
  assert.deepEqual(planSegments(segments).modelInputs, ['x', 'mask']);
});

it('frees each tensor after its last reader and keeps the model outputs to the end', () => {
  const plan = planSegments(segments, ['early', 'y']);
  assert.deepEqual(plan.modelOutputs, ['early', 'y']);
  assert.deepEqual(plan.releaseAfter.map((names) => [...names].sort()), [['x'], [], ['a', 'b', 'mask']]);
});

it('defaults the model outputs to the last segment outputs, freeing an unread early tensor at once', () => {
  const plan = planSegments(segments);
  assert.deepEqual(plan.modelOutputs, ['y']);
  assert.ok(plan.releaseAfter[0]?.includes('early'));
});

it('rejects an output no segment produces and an empty model with INVALID_ARGUMENT', () => {
  assert.throws(() => planSegments(segments, ['nope']), { code: 'INVALID_ARGUMENT' });
  assert.throws(() => planSegments([]), { code: 'INVALID_ARGUMENT' });
});
