// Tests of the share arithmetic: normalising, the worst relative miss, useful work and exclusive-time shares.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exclusiveTimeShares, maxRelativeError, sharesOf, usefulWorkFraction } from './share-stats.js';

describe('share-stats', () => {
  it('normalises values to fractions of their sum, and gives zeros when nothing was measured', () => {
    assert.deepEqual(sharesOf([1, 1, 2]), [0.25, 0.25, 0.5]);
    assert.deepEqual(sharesOf([0, 0]), [0, 0]);
  });

  it('reports the worst miss relative to each target', () => {
    const err = maxRelativeError([1 / 7, 2 / 7 + 0.02, 4 / 7 - 0.02], [1 / 7, 2 / 7, 4 / 7]);
    assert.ok(Math.abs(err - 0.02 / (2 / 7)) < 1e-12);
    assert.equal(maxRelativeError([0.5, 0.5], [0.5, 0.5]), 0);
  });

  it('counts useful work as the sum of throughputs relative to each model alone', () => {
    assert.equal(usefulWorkFraction([50, 5], [100, 10]), 1);
    assert.ok(Math.abs(usefulWorkFraction([49, 4.9], [100, 10]) - 0.98) < 1e-12);
    assert.ok(Number.isNaN(usefulWorkFraction([1], [0])));
  });

  it('turns throughputs into device-time shares through the exclusive per-request cost', () => {
    // 50 req/s of a 10 ms model and 5 req/s of a 100 ms model: half a second each.
    assert.deepEqual(exclusiveTimeShares([50, 5], [100, 10]), [0.5, 0.5]);
  });
});
