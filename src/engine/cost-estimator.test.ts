// Cost estimator: profile × correction; with a shared slowdown, versions that rarely run inherit today's contention.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LatencyFit } from '../profiler/profile.js';
import { CostEstimator } from './cost-estimator.js';
import { SharedSlowdown } from './shared-slowdown.js';

/** A profile fit of `msPerRow` ms per row, on any number of cores (all serial). */
const fit = (msPerRow: number): LatencyFit => ({ fixedMs: 0, perItemMs: msPerRow, serialFraction: 1, medianRelError: 0, maxRelError: 0 });

/** An estimator with a profile of `msPerRow` ms per row, alone or sharing `shared`. */
function estimator(msPerRow: number, shared?: SharedSlowdown): CostEstimator {
  const est = new CostEstimator(1, shared);
  est.setProfile(fit(msPerRow));
  return est;
}

function near(actual: number, expected: number, tolerance: number): void {
  assert.ok(Math.abs(actual - expected) < tolerance, `${actual} is not within ${tolerance} of ${expected}`);
}

function observed(est: CostEstimator, ratio: number, runs: number, msPerRow: number): void {
  for (let i = 0; i < runs; i++) est.observe(1, ratio * msPerRow);
}

test('alone, the correction follows observed / profiled time, within 0.5x..4x', () => {
  const est = estimator(10);
  assert.equal(est.predictMs(1), 10);
  observed(est, 2, 100, 10);
  near(est.predictMs(1), 20, 0.1);
  observed(est, 100, 100, 10);
  near(est.predictMs(1), 40, 0.1);
});

test('a version that has not run inherits the slowdown the others see now', () => {
  const shared = new SharedSlowdown();
  const busy = estimator(5, shared);
  const rare = estimator(40, shared);
  observed(busy, 2, 100, 5);
  near(shared.factor, 2, 0.01);
  // Without the shared factor the rare version would still be predicted at its profile (40 ms).
  near(rare.predictMs(1), 80, 0.5);
  // Contention ends: both follow.
  observed(busy, 1, 100, 5);
  near(rare.predictMs(1), 40, 0.5);
});

test("a version slower than its profile keeps that bias on top of the others' slowdown", () => {
  const shared = new SharedSlowdown();
  const a = estimator(5, shared);
  const b = estimator(10, shared);
  // b always runs 1.5x its profile while a runs at its profile; a runs 9 times as often.
  for (let i = 0; i < 200; i++) {
    observed(a, 1, 9, 5);
    observed(b, 1.5, 1, 10);
  }
  near(a.predictMs(1), 5, 0.3);
  near(b.predictMs(1), 15, 0.8);
  // Everything now runs twice as slow; only a keeps running, b's prediction doubles with it.
  observed(a, 2, 100, 5);
  near(b.predictMs(1), 30, 1.5);
});

test('without a profile: a line through recent observations, and nothing feeds the shared factor', () => {
  const shared = new SharedSlowdown();
  const est = new CostEstimator(1, shared);
  assert.equal(est.known, false);
  est.observe(1, 12);
  est.observe(2, 22);
  near(est.predictMs(4), 42, 1e-9);
  assert.equal(shared.factor, 1);
});

test('knowsGrowth: a profile, or runs of more than one batch size', () => {
  const e = new CostEstimator(1);
  assert.equal(e.knowsGrowth, false);
  e.observe(1, 5);
  e.observe(1, 6);
  assert.equal(e.knowsGrowth, false, 'only batches of one seen: cost per row cannot be told from a fixed cost');
  e.observe(4, 20);
  assert.equal(e.knowsGrowth, true);
  assert.equal(estimator(5).knowsGrowth, true);
});
