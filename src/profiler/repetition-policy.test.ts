// Unit tests of the repetition policy: the order-statistic interval of the median and the stop rule.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REPETITION_DEFAULTS, decideRepetition, medianCiRanks, medianRelHalfWidth } from './repetition-policy.js';

const options = { ...REPETITION_DEFAULTS, minReps: 5, maxReps: 50, maxCellMs: 1000, targetRelHalfWidth: 0.05 };

describe('medianCiRanks', () => {
  it('has no 95% interval below six samples', () => {
    assert.equal(medianCiRanks(5), undefined);
    assert.deepEqual(medianCiRanks(6), { lower: 1, upper: 6 });
  });

  it('matches the binomial tables for moderate sample counts', () => {
    // Published ranks of the distribution-free 95% median interval.
    assert.deepEqual(medianCiRanks(10), { lower: 2, upper: 9 });
    assert.deepEqual(medianCiRanks(20), { lower: 6, upper: 15 });
    assert.deepEqual(medianCiRanks(100), { lower: 40, upper: 61 });
  });

  it('uses the normal approximation for very many samples', () => {
    const r = medianCiRanks(1000);
    assert.ok(r !== undefined && r.lower === 469 && r.upper === 532);
  });
});

describe('decideRepetition', () => {
  it('keeps going below the minimum repetitions even past the time budget', () => {
    assert.deepEqual(decideRepetition([1, 1, 1, 1], 10_000, options), { done: false });
  });

  it('stops as converged once the median is pinned down', () => {
    const samples = [10, 10.1, 9.9, 10, 10.2, 9.8, 10];
    assert.ok((medianRelHalfWidth(samples) ?? 1) <= 0.05);
    assert.deepEqual(decideRepetition(samples, 5, options), { done: true, converged: true, reason: 'converged' });
  });

  it('does not converge on five samples however tight they are', () => {
    assert.deepEqual(decideRepetition([5, 5, 5, 5, 5], 5, options), { done: false });
  });

  it('stops unconverged when noisy samples exhaust the time budget', () => {
    const noisy = [1, 9, 2, 8, 3, 7, 4, 6];
    assert.deepEqual(decideRepetition(noisy, 999, options), { done: false });
    assert.deepEqual(decideRepetition(noisy, 1000, options), { done: true, converged: false, reason: 'budget' });
  });

  it('stops unconverged at the repetition cap', () => {
    const noisy = Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? 1 : 10));
    assert.deepEqual(decideRepetition(noisy, 1, options), { done: true, converged: false, reason: 'max-reps' });
  });
});
