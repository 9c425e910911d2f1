// Gamma numerics: known values of Γ, the exponential and chi-square special cases, and quantile/CDF round trips.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gammaQuantile, logGamma, normalQuantile, regularizedGammaP } from './gamma-distribution.js';

const close = (actual: number, expected: number, rel = 1e-9): void =>
  assert.ok(Math.abs(actual - expected) <= rel * Math.abs(expected), `${actual} ≉ ${expected}`);

test('logGamma matches Γ at integers and one half', () => {
  close(logGamma(5), Math.log(24), 1e-12);
  close(logGamma(0.5), 0.5 * Math.log(Math.PI), 1e-12);
  close(logGamma(101), 363.73937555556347, 1e-12);
});

test('regularizedGammaP with shape 1 is the exponential CDF', () => {
  for (const x of [0.01, 0.5, 1, 2, 10]) close(regularizedGammaP(1, x), 1 - Math.exp(-x), 1e-12);
});

test('normalQuantile gives the familiar z values', () => {
  close(normalQuantile(0.975), 1.959963984540054, 1e-8);
  close(normalQuantile(0.99), 2.326347874040841, 1e-8);
  close(normalQuantile(0.5) + 1, 1, 1e-12);
});

test('gammaQuantile of an exponential is −ln(1 − p) times the mean', () => {
  for (const p of [0.5, 0.95, 0.99]) close(gammaQuantile(10, 1, p), -10 * Math.log(1 - p), 1e-9);
});

test('gammaQuantile matches the chi-square table (10 degrees of freedom)', () => {
  // χ²(10) is a gamma with mean 10 and scv 1/5; its 95th percentile is 18.307.
  close(gammaQuantile(10, 0.2, 0.95), 18.307038053275146, 1e-8);
});

test('gammaQuantile inverts the CDF across shapes from very skewed to nearly normal', () => {
  for (const scv of [20, 3, 1, 0.1, 1e-3, 1e-6]) {
    for (const p of [0.05, 0.5, 0.95, 0.99]) {
      const x = gammaQuantile(1, scv, p) / scv;
      close(regularizedGammaP(1 / scv, x), p, 1e-6);
    }
  }
});

test('gammaQuantile of a zero-variance time is the time itself', () => {
  assert.equal(gammaQuantile(7, 0, 0.99), 7);
  assert.equal(gammaQuantile(0, 1, 0.99), 0);
});
