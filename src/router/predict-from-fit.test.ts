// predictFromFit: the router's copy of the profile formula stays equal to the profiler's predictLatencyMs.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { predictLatencyMs } from '../profiler/profile.js';
import { predictFromFit } from './predict-from-fit.js';

const fits = [
  { fixedMs: 2, perItemMs: 3, serialFraction: 0.2 },
  { fixedMs: 0, perItemMs: 11.5, serialFraction: 1 },
  { fixedMs: 7.25, perItemMs: 0, serialFraction: 0 },
];

test('predictFromFit agrees with the profiler formula for every batch size and core count', () => {
  for (const fit of fits) {
    for (const cores of [1, 2, 3, 8]) {
      const predict = predictFromFit(fit, cores);
      for (const b of [1, 2, 7, 32]) assert.equal(predict(b), predictLatencyMs(fit, b, cores));
    }
  }
});

test('predictFromFit treats fewer than one core as one', () => {
  const fit = fits[0] ?? assert.fail();
  assert.equal(predictFromFit(fit, 0)(4), predictFromFit(fit, 1)(4));
});

test('predictFromFit adds a per-run overhead that does not scale with cores', () => {
  const fit = { fixedMs: 4, perItemMs: 2, serialFraction: 0 };
  assert.equal(predictFromFit(fit, 2, 0.5)(3), (4 + 6) / 2 + 0.5);
});
