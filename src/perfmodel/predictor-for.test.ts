// predictorFor: every sharing mode maps to the implementation of that mode.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SHARING_MODES } from './predictor.js';
import { predictorFor } from './predictor-for.js';

test('predictorFor returns a predictor of the requested mode for every mode', () => {
  for (const mode of SHARING_MODES) assert.equal(predictorFor(mode).mode, mode);
});

test('the modes rank as expected on one shared executor: processor sharing and FCFS agree on total work, batching is fastest under load', () => {
  const models = [
    { name: 'a', arrivalRatePerS: 300, latency: { fixedMs: 2, perItemMs: 0.5, serialFraction: 0.2 }, maxBatchSize: 8 },
    { name: 'b', arrivalRatePerS: 100, latency: { fixedMs: 1, perItemMs: 0.5, serialFraction: 0.2 }, maxBatchSize: 8 },
  ];
  const executor = { cores: 1 };
  const fcfs = predictorFor('fcfs').predict(models, executor);
  const ps = predictorFor('processor-sharing').predict(models, executor);
  const batching = predictorFor('batching').predict(models, executor);
  // FCFS and PS do the same work per request, so the executor is equally busy.
  assert.ok(Math.abs(fcfs.utilization - ps.utilization) < 1e-12);
  // Batching amortises the fixed cost: less busy, and faster for both models at this load.
  assert.ok(batching.utilization < fcfs.utilization);
  batching.perModel.forEach((m, i) => {
    const f = fcfs.perModel[i];
    assert.ok(m.stable && f?.stable && m.meanMs < f.meanMs);
  });
});
