// ServiceTimeSampler: mean from the measured point or the fit, spread from the measured std or the chosen distribution.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRandom } from '../onnx/seeded-random.js';
import type { ModelProfile } from '../profiler/profile.js';
import { type ServiceTimeOptions, ServiceTimeSampler } from './service-time.js';
import { syntheticProfile } from './synthetic-profile.js';

function moments(s: ServiceTimeSampler, rows: number, n = 100_000): { mean: number; scv: number } {
  const rng = new SeededRandom(5);
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const x = s.sampleMs(rows, rng);
    sum += x;
    sumSq += x * x;
  }
  const mean = sum / n;
  return { mean, scv: (sumSq / n - mean * mean) / (mean * mean) };
}

const measured: ModelProfile = {
  ...syntheticProfile({ model: 'm', fixedMs: 2, perItemMs: 1, serialFraction: 0.5, batchSizes: [1], threads: [1, 4] }),
  points: [{ batchSize: 4, threads: 2, latency: { samples: 50, meanMs: 5, stdMs: 2.5, p50Ms: 5, p95Ms: 9, p99Ms: 11 }, throughputPerS: 800 }],
};

test('the mean is the measured point when the sweep has it, else the fit', () => {
  const s = new ServiceTimeSampler(measured, 2);
  assert.equal(s.meanMs(4), 5);
  // Fit: (2 + 1·8)·(0.5 + 0.5/2) = 7.5.
  assert.equal(s.meanMs(8), 7.5);
  assert.equal(new ServiceTimeSampler(measured, 2, { meanFrom: 'fit' }).meanMs(4), 4.5);
});

test('the spread comes from the nearest measured point: scv = (std/mean)²', () => {
  const s = new ServiceTimeSampler(measured, 2);
  assert.equal(s.scv(4), 0.25);
  assert.equal(s.scv(16), 0.25);
});

for (const [distribution, expectedScv] of [
  ['gamma', 0.25],
  ['lognormal', 0.25],
  ['exponential', 1],
  ['deterministic', 0],
] as const) {
  test(`${distribution} samples have the profile's mean and scv ${expectedScv}`, () => {
    const options: ServiceTimeOptions = { distribution };
    const m = moments(new ServiceTimeSampler(measured, 2, options), 4);
    assert.ok(Math.abs(m.mean / 5 - 1) < 0.02, `mean ${m.mean}`);
    assert.ok(Math.abs(m.scv - expectedScv) < 0.03 + 0.05 * expectedScv, `scv ${m.scv}`);
  });
}

test('a gamma with scv above 1 (shape below 1) keeps its mean and spread', () => {
  const m = moments(new ServiceTimeSampler(measured, 2, { scv: 3 }), 4, 200_000);
  assert.ok(Math.abs(m.mean / 5 - 1) < 0.03, `mean ${m.mean}`);
  assert.ok(Math.abs(m.scv / 3 - 1) < 0.1, `scv ${m.scv}`);
});

test('a profile that predicts no positive time is refused', () => {
  const s = new ServiceTimeSampler(syntheticProfile({ model: 'z', fixedMs: 0, batchSizes: [] }), 1);
  assert.throws(() => s.meanMs(1), { code: 'INVALID_ARGUMENT', message: /'z'/ });
});
