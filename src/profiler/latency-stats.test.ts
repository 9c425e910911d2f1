// Unit tests of latency statistics.

import assert from 'node:assert/strict';
import { it } from 'node:test';
import { latencyStats, percentile } from './latency-stats.js';

it('computes mean, sample standard deviation and interpolated percentiles', () => {
  const s = latencyStats([4, 1, 3, 2, 5]);
  assert.equal(s.samples, 5);
  assert.equal(s.meanMs, 3);
  assert.ok(Math.abs(s.stdMs - Math.sqrt(2.5)) < 1e-12);
  assert.equal(s.p50Ms, 3);
  assert.ok(Math.abs(s.p95Ms - 4.8) < 1e-12);
  assert.ok(Math.abs(s.p99Ms - 4.96) < 1e-12);
});

it('gives a single sample as every percentile with no spread', () => {
  const s = latencyStats([7]);
  assert.deepEqual([s.meanMs, s.stdMs, s.p50Ms, s.p95Ms, s.p99Ms], [7, 0, 7, 7, 7]);
});

it('does not reorder the caller’s samples', () => {
  const samples = [3, 1, 2];
  latencyStats(samples);
  assert.deepEqual(samples, [3, 1, 2]);
});

it('returns NaN for a percentile of nothing', () => {
  assert.ok(Number.isNaN(percentile([], 0.5)));
  assert.equal(latencyStats([]).samples, 0);
});
