// colocatedFromProfile: takes the fit as the latency curve and the spread of the batch-1 point nearest the cores.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ModelProfile } from '../profiler/profile.js';
import { colocatedFromProfile } from './colocated-from-profile.js';

const stats = (meanMs: number, stdMs: number) => ({ samples: 50, meanMs, stdMs, p50Ms: meanMs, p95Ms: meanMs, p99Ms: meanMs });

const profile: ModelProfile = {
  model: 'resnet18',
  version: '1',
  executorKind: 'cpu',
  createdAt: '2025-01-01T00:00:00Z',
  loadMs: 100,
  memGrowthBytes: 0,
  points: [
    { batchSize: 1, threads: 1, latency: stats(10, 1), throughputPerS: 100 },
    { batchSize: 1, threads: 4, latency: stats(4, 2), throughputPerS: 250 },
    { batchSize: 8, threads: 4, latency: stats(20, 10), throughputPerS: 400 },
  ],
  fit: { fixedMs: 6, perItemMs: 4, serialFraction: 0.2, medianRelError: 0.02, maxRelError: 0.05 },
};

test('the fit becomes the latency curve and the nearest batch-1 point gives the scv', () => {
  const m = colocatedFromProfile(profile, 30, { cores: 3, maxBatchSize: 8 });
  assert.deepEqual(m, {
    name: 'resnet18',
    arrivalRatePerS: 30,
    latency: { fixedMs: 6, perItemMs: 4, serialFraction: 0.2 },
    serviceScv: 0.25,
    maxBatchSize: 8,
  });
  assert.equal(colocatedFromProfile(profile, 30).serviceScv, 0.01);
  assert.equal(colocatedFromProfile(profile, 30, { name: 'r18@cpu' }).name, 'r18@cpu');
});
