// withDelayStage / withDelayStages: a pure delay in series adds its mean and variance and moves the tail with them.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ServingError } from '../core/errors.js';
import { NO_DELAY, withDelayStage, withDelayStages } from './delay-stage.js';
import { predictorFor } from './predictor-for.js';
import { stableLatency } from './response-time.js';

/** M/M/1-like response: mean 10 ms, exponential (scv 1). */
const RESPONSE = stableLatency(10, 200, 50);

test('no delay leaves the latency as it is', () => {
  assert.deepEqual(withDelayStage(RESPONSE, NO_DELAY), RESPONSE);
});

test('a delay adds its mean and its variance to the response', () => {
  const d = withDelayStage(RESPONSE, { meanMs: 5, varianceMs2: 4 });
  assert.equal(d.meanMs, 15);
  assert.ok(Math.abs(d.responseScv * 15 * 15 - (100 + 4)) < 1e-9);
  assert.equal(d.throughputPerS, RESPONSE.throughputPerS);
});

test('a constant delay moves the mean by its size and the tail by no more than that', () => {
  const d = withDelayStage(RESPONSE, { meanMs: 5, varianceMs2: 0 });
  assert.ok(d.p95Ms > RESPONSE.p95Ms);
  assert.ok(d.p95Ms <= RESPONSE.p95Ms + 5 + 1e-9);
  assert.ok(d.p99Ms >= d.p95Ms && d.p95Ms >= d.meanMs);
});

test('a more variable delay gives a longer tail for the same mean', () => {
  const calm = withDelayStage(RESPONSE, { meanMs: 5, varianceMs2: 1 });
  const noisy = withDelayStage(RESPONSE, { meanMs: 5, varianceMs2: 50 });
  assert.equal(calm.meanMs, noisy.meanMs);
  assert.ok(noisy.p95Ms > calm.p95Ms);
});

test('withDelayStages adds each model its own delay and leaves overloaded and unnamed models alone', () => {
  const models = [
    { name: 'a', arrivalRatePerS: 100, latency: { fixedMs: 2, perItemMs: 0, serialFraction: 1 }, serviceScv: 0.2 },
    { name: 'b', arrivalRatePerS: 1000, latency: { fixedMs: 2, perItemMs: 0, serialFraction: 1 } },
    { name: 'c', arrivalRatePerS: 10, latency: { fixedMs: 1, perItemMs: 0, serialFraction: 1 } },
  ];
  const stableOnly = predictorFor('fcfs').predict(models.filter((m) => m.name !== 'b'), { cores: 1 });
  const withDelays = withDelayStages(stableOnly, { a: { meanMs: 3, varianceMs2: 1 } });
  const [a0, c0] = stableOnly.perModel;
  const [a1, c1] = withDelays.perModel;
  assert.ok(a0?.stable && a1?.stable && Math.abs(a1.meanMs - a0.meanMs - 3) < 1e-9);
  assert.deepEqual(c1, c0);
  assert.equal(withDelays.utilization, stableOnly.utilization);
  const overloaded = predictorFor('fcfs').predict(models, { cores: 1 });
  const shifted = withDelayStages(overloaded, { b: { meanMs: 3, varianceMs2: 0 } });
  assert.deepEqual(shifted.perModel[1], overloaded.perModel[1]);
});

test('a negative or non-finite delay is an INVALID_ARGUMENT error', () => {
  for (const bad of [{ meanMs: -1, varianceMs2: 0 }, { meanMs: 1, varianceMs2: -1 }, { meanMs: Number.NaN, varianceMs2: 0 }, { meanMs: 1, varianceMs2: Infinity }]) {
    assert.throws(() => withDelayStage(RESPONSE, bad), (e: unknown) => e instanceof ServingError && e.code === 'INVALID_ARGUMENT');
  }
});
