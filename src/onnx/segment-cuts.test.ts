// Unit tests of cut selection: fewest segments under the bound, balance, clean positions only, no slivers.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { chooseCuts, minMaxCost, partitionChunks, slideCuts } from './segment-cuts.js';

const everywhere = (): boolean => true;

describe('chooseCuts', () => {
  it('splits eight equal nodes into four equal segments when asked for four', () => {
    assert.deepEqual(chooseCuts(Array(8).fill(1), everywhere, { maxSegments: 4, share: 0.25 }), [2, 4, 6]);
  });

  it('cuts only at clean positions', () => {
    const clean = (p: number): boolean => p === 3 || p === 5;
    const cuts = chooseCuts(Array(8).fill(1), clean, { maxSegments: 4, share: 0.25 });
    assert.ok(cuts.every((p) => p === 3 || p === 5));
    assert.deepEqual(cuts, [3, 5]);
  });

  it('makes one segment when no position is clean', () => {
    assert.deepEqual(chooseCuts([5, 1, 9], () => false, { maxSegments: 8, share: 0.125 }), []);
  });

  it('makes one segment when one is asked for', () => {
    assert.deepEqual(chooseCuts([1, 1, 1], everywhere, { maxSegments: 1, share: 1 }), []);
  });
});

describe('partitionChunks', () => {
  it('uses fewer segments when an unsplittable chunk dominates anyway', () => {
    // 90 cannot be split, so four segments cannot beat a largest cost of 90: two suffice.
    assert.deepEqual(partitionChunks([90, 4, 3, 3], { maxSegments: 4, share: 0.25 }), [1]);
  });

  it('makes as many segments as the cost share needs, up to the maximum', () => {
    const cuts = partitionChunks(Array(20).fill(1), { maxSegments: 64, share: 0.1 });
    assert.equal(cuts.length + 1, 10);
  });

  it('balances rather than front-loading the segments', () => {
    // Seven unit chunks in three segments: 3+2+2 or similar, never a lone 1 at the end.
    const cuts = partitionChunks(Array(7).fill(1), { maxSegments: 3, share: 1 / 3 });
    const bounds = [0, ...cuts, 7];
    const sizes = bounds.slice(1).map((b, i) => b - (bounds[i] as number));
    assert.deepEqual(sizes.sort(), [2, 2, 3]);
  });

  it('merges a sliver segment into its neighbour', () => {
    const cuts = partitionChunks([10, 10, 10, 0.1], { maxSegments: 4, share: 0.25 });
    assert.deepEqual(cuts, [1, 2]);
  });
});

describe('minMaxCost', () => {
  it('is the largest chunk when every chunk may be its own segment', () => {
    assert.equal(minMaxCost([3, 7, 2], 3), 7);
  });

  it('is the total for one segment', () => {
    assert.ok(Math.abs(minMaxCost([3, 7, 2], 1) - 12) < 1e-6);
  });
});

describe('slideCuts', () => {
  const costs = [10, 10, 0.5, 10, 10];
  const sizes = [Infinity, 64, 64, 8, 64];

  it('moves a cut to the nearby clean position with the smallest hand-over', () => {
    // Cutting before node 3 instead of 2 moves node 2 (cost 0.5) into the first segment and hands over 8, not 64.
    assert.deepEqual(slideCuts([2], costs, everywhere, (p) => sizes[p] as number, 1), [3]);
  });

  it('stays put when the better position costs more balance than the tolerance', () => {
    assert.deepEqual(slideCuts([2], costs, everywhere, (p) => sizes[p] as number, 0.4), [2]);
  });

  it('never moves to an unclean position, past a neighbouring cut, or to an unknown size', () => {
    assert.deepEqual(slideCuts([2], costs, (p) => p !== 3, (p) => sizes[p] as number, 100), [2]);
    assert.deepEqual(slideCuts([2, 3], costs, everywhere, (p) => sizes[p] as number, 100), [2, 3]);
    assert.deepEqual(slideCuts([2], costs, everywhere, (p) => (p === 3 ? NaN : (sizes[p] as number)), 1), [2]);
  });
});
