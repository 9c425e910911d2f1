// Service-time descriptions: construction from stats and fits, gamma moments, and the mixture formulas.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  addBernoulliDelay,
  addIndependent,
  mixMoments,
  mixServiceTimes,
  serviceFromFit,
  serviceFromMoments,
  serviceFromStats,
  serviceMoments,
} from './service-distribution.js';

const close = (actual: number, expected: number, rel = 1e-12): void =>
  assert.ok(Math.abs(actual - expected) <= rel * Math.max(1, Math.abs(expected)), `${actual} ≉ ${expected}`);

test('serviceFromStats turns mean and standard deviation into mean and scv', () => {
  assert.deepEqual(serviceFromStats({ meanMs: 10, stdMs: 5 }), { meanMs: 10, scv: 0.25 });
  assert.deepEqual(serviceFromStats({ meanMs: 0, stdMs: 0 }), { meanMs: 0, scv: 0 });
});

test('serviceFromFit takes the fit latency as the mean and the given scv', () => {
  const s = serviceFromFit({ fixedMs: 2, perItemMs: 1, serialFraction: 0.5 }, 4, 2, 0.1);
  close(s.meanMs, 6 * 0.75);
  assert.equal(s.scv, 0.1);
});

test('serviceMoments are exact for deterministic and exponential times', () => {
  assert.deepEqual(serviceMoments({ meanMs: 3, scv: 0 }), { m1: 3, m2: 9, m3: 27 });
  const e = serviceMoments({ meanMs: 3, scv: 1 });
  close(e.m2, 2 * 9);
  close(e.m3, 6 * 27);
  assert.deepEqual(serviceFromMoments(e), { meanMs: 3, scv: 1 });
});

test('the rate-weighted mixture has mean Σ p_i m_i and second moment Σ p_i E[S_i²]', () => {
  // 30/s of 2 ms and 10/s of 10 ms (both deterministic): p = 3/4, 1/4.
  const { service, moments } = mixServiceTimes([
    { arrivalRatePerS: 30, service: { meanMs: 2, scv: 0 } },
    { arrivalRatePerS: 10, service: { meanMs: 10, scv: 0 } },
  ]);
  close(moments.m1, 0.75 * 2 + 0.25 * 10);
  close(moments.m2, 0.75 * 4 + 0.25 * 100);
  close(moments.m3, 0.75 * 8 + 0.25 * 1000);
  close(service.scv, moments.m2 / (moments.m1 * moments.m1) - 1);
});

test('mixMoments of nothing (or zero weights) is zero', () => {
  assert.deepEqual(mixMoments([]), { m1: 0, m2: 0, m3: 0 });
  assert.deepEqual(mixMoments([{ weight: 0, moments: { m1: 1, m2: 1, m3: 1 } }]), { m1: 0, m2: 0, m3: 0 });
});

test('addBernoulliDelay equals the two-point mixture of S and S + d', () => {
  const s = serviceMoments({ meanMs: 4, scv: 0.5 });
  const direct = mixMoments([
    { weight: 0.7, moments: s },
    { weight: 0.3, moments: addIndependent(s, { m1: 2, m2: 4, m3: 8 }) },
  ]);
  const viaHelper = addBernoulliDelay(s, 2, 0.3);
  close(viaHelper.m1, direct.m1);
  close(viaHelper.m2, direct.m2);
  close(viaHelper.m3, direct.m3);
});
