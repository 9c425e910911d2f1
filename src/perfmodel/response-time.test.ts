// Percentiles from moments: the two-moment gamma and the three-moment shifted gamma on distributions they should reproduce.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { responseQuantileMs, shiftedGammaQuantileMs, stableLatency } from './response-time.js';

const close = (actual: number, expected: number, rel = 1e-8): void =>
  assert.ok(Math.abs(actual - expected) <= rel * Math.abs(expected), `${actual} ≉ ${expected}`);

test('an exponential response gives −ln(1 − p) times its mean', () => {
  const r = stableLatency(10, 200, 5);
  close(r.responseScv, 1);
  close(r.p99Ms, -10 * Math.log(0.01));
  close(responseQuantileMs(10, 1, 0.95), -10 * Math.log(0.05));
});

test('the shifted gamma recovers a shifted exponential exactly', () => {
  // T = 4 + Exp(mean 6): mean 10, variance 36, third central moment 2·6³.
  const mean = 10;
  const variance = 36;
  const central3 = 2 * 216;
  const m2 = variance + mean * mean;
  const m3 = central3 + 3 * mean * variance + mean ** 3;
  close(shiftedGammaQuantileMs(mean, m2, m3, 0.99), 4 - 6 * Math.log(0.01));
});

test('a zero-variance response is its mean at every percentile', () => {
  assert.equal(shiftedGammaQuantileMs(5, 25, 125, 0.99), 5);
  const r = stableLatency(5, 25, 1);
  assert.equal(r.p95Ms, 5);
  assert.equal(r.p99Ms, 5);
});
