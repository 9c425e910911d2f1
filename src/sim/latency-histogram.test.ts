// LatencyHistogram: exact mean, min and max; quantiles within 0.5 % of the exact nearest-rank value.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRandom } from '../onnx/seeded-random.js';
import { LatencyHistogram } from './latency-histogram.js';
import { exponential } from './random-variates.js';

test('LatencyHistogram quantiles are within 0.5 % of the exact sorted values', () => {
  const rng = new SeededRandom(7);
  const h = new LatencyHistogram();
  const values: number[] = [];
  for (let i = 0; i < 20000; i++) {
    // Spread over five decades so many buckets are used.
    const v = exponential(rng, 1) * Math.pow(10, rng.nextInt(5) - 1);
    values.push(v);
    h.record(v);
  }
  values.sort((a, b) => a - b);
  for (const q of [0.01, 0.5, 0.9, 0.95, 0.99, 0.999, 1]) {
    const exact = values[Math.max(1, Math.ceil(q * values.length)) - 1] as number;
    const got = h.quantileMs(q);
    assert.ok(Math.abs(got - exact) / exact <= 0.005, `q=${q}: ${got} vs ${exact}`);
  }
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  assert.ok(Math.abs(h.meanMs - mean) < 1e-9 * mean);
  assert.equal(h.minMs, values[0]);
  assert.equal(h.maxMs, values[values.length - 1]);
  assert.equal(h.count, 20000);
});

test('LatencyHistogram of one value answers that value for every quantile', () => {
  const h = new LatencyHistogram();
  h.record(3.25);
  assert.equal(h.quantileMs(0.5), 3.25);
  assert.equal(h.quantileMs(0.99), 3.25);
});

test('LatencyHistogram reports NaN when empty', () => {
  const h = new LatencyHistogram();
  assert.ok(Number.isNaN(h.quantileMs(0.5)));
  assert.ok(Number.isNaN(h.meanMs));
});
