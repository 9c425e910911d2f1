// calibrateServedModel: occupancy from a saturation run (or a fitted one), the idle latency's remainder as a delay (its
// spread matched to the idle p95 when known), and
// input checks; fitOccupancyB1Ms: the occupancy at which the prediction meets an open-loop run's mean.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ServingError } from '../core/errors.js';
import { batchLatencyMs } from './cpu-scaling.js';
import { withDelayStage } from './delay-stage.js';
import { gammaQuantile } from './gamma-distribution.js';
import { predictorFor } from './predictor-for.js';
import { calibrateServedModel, fitOccupancyB1Ms, scaleLatencyCurve } from './served-calibration.js';

/** Profiled session.run: 1 ms fixed + 1 ms per row. */
const CURVE = { fixedMs: 1, perItemMs: 1, serialFraction: 1 };
const profiled = (rows: number): number => batchLatencyMs(CURVE, rows, 1);
const near = (a: number, b: number): boolean => Math.abs(a - b) < 1e-9;

test('one-row batches: occupancy is the time per request at saturation, the rest of the idle latency a delay', () => {
  // 250 req/s backlogged → 4 ms per request against a 2 ms profiled run.
  const c = calibrateServedModel(profiled, 0.25, { idleMeanMs: 7, idleVarianceMs2: 9, saturationThroughputPerS: 250, saturationBatchRows: 1 });
  assert.ok(near(c.occupancyScale, 2));
  assert.ok(near(c.occupancyB1Ms, 4));
  assert.ok(near(c.delay.meanMs, 3));
  // Idle variance 9 minus the run's own spread: scv 0.25 × 4².
  assert.ok(near(c.delay.varianceMs2, 5));
  assert.equal(c.delayClamped, false);
});

test('batches at saturation: the scale is taken at the rows they held and applied to the batch-1 latency', () => {
  // 2 rows per batch at 400 req/s → 5 ms per batch against 3 ms profiled.
  const c = calibrateServedModel(profiled, 0, { idleMeanMs: 6, idleVarianceMs2: 0, saturationThroughputPerS: 400, saturationBatchRows: 2 });
  assert.ok(near(c.occupancyScale, 5 / 3));
  assert.ok(near(c.occupancyB1Ms, (5 / 3) * 2));
});

test('an idle latency below the occupancy clamps the delay at zero and says so', () => {
  const c = calibrateServedModel(profiled, 0.5, { idleMeanMs: 3, idleVarianceMs2: 1, saturationThroughputPerS: 250, saturationBatchRows: 1 });
  assert.equal(c.delay.meanMs, 0);
  assert.equal(c.delay.varianceMs2, 0);
  assert.equal(c.delayClamped, true);
});

test('at vanishing load the calibrated FCFS prediction plus the delay gives back the idle latency', () => {
  const m = { idleMeanMs: 7, idleVarianceMs2: 9, saturationThroughputPerS: 250, saturationBatchRows: 1 };
  const c = calibrateServedModel(profiled, 0.25, m);
  const p = predictorFor('fcfs').predict([{ name: 'a', arrivalRatePerS: 1e-6, latency: scaleLatencyCurve(CURVE, c.occupancyScale), serviceScv: 0.25 }], { cores: 1 });
  const a = p.perModel[0];
  assert.ok(a?.stable);
  const total = withDelayStage(a, c.delay);
  assert.ok(Math.abs(total.meanMs - m.idleMeanMs) < 1e-6);
  assert.ok(Math.abs(total.responseScv * total.meanMs ** 2 - m.idleVarianceMs2) < 1e-6);
});

test('given the idle p95, the delay spread is the one that puts the idle p95 there, not the outliers\' variance', () => {
  // Idle latencies: mean 7 ms, p95 11.5 ms, and a variance of 9 ms² (sd 3) that a few outliers swell: its gamma
  // would put the p95 near 12.3 ms; the occupancy's own spread alone (scv 0.25 × 4²) near 10.5 ms.
  const m = { idleMeanMs: 7, idleVarianceMs2: 9, saturationThroughputPerS: 250, saturationBatchRows: 1, idleP95Ms: 11.5 };
  const c = calibrateServedModel(profiled, 0.25, m);
  const serviceVariance = 0.25 * c.occupancyB1Ms ** 2;
  assert.ok(c.delay.varianceMs2 > 0 && c.delay.varianceMs2 < 9 - serviceVariance);
  const p95 = gammaQuantile(m.idleMeanMs, (c.delay.varianceMs2 + serviceVariance) / m.idleMeanMs ** 2, 0.95);
  assert.ok(Math.abs(p95 - 11.5) < 1e-4, `idle p95 ${p95}`);
  // A p95 the variance cannot reach keeps the variance's delay; one no higher than the service alone gives keeps none.
  assert.ok(near(calibrateServedModel(profiled, 0.25, { ...m, idleP95Ms: 30 }).delay.varianceMs2, 9 - serviceVariance));
  assert.equal(calibrateServedModel(profiled, 0.25, { ...m, idleP95Ms: 7 }).delay.varianceMs2, 0);
});

test('the calibrated server is overloaded exactly where the saturation run says it runs out', () => {
  const c = calibrateServedModel(profiled, 0, { idleMeanMs: 7, idleVarianceMs2: 0, saturationThroughputPerS: 250, saturationBatchRows: 1 });
  const at = (ratePerS: number): boolean =>
    predictorFor('fcfs').predict([{ name: 'a', arrivalRatePerS: ratePerS, latency: scaleLatencyCurve(CURVE, c.occupancyScale) }], { cores: 1 }).stable;
  assert.equal(at(245), true);
  assert.equal(at(255), false);
});

test('a fitted batch-1 occupancy replaces the saturation estimate, and the delay is what the idle latency leaves', () => {
  const c = calibrateServedModel(profiled, 0, { idleMeanMs: 7, idleVarianceMs2: 0, saturationThroughputPerS: 250, saturationBatchRows: 1, occupancyB1Ms: 5 });
  assert.ok(near(c.occupancyB1Ms, 5));
  assert.ok(near(c.occupancyScale, 2.5));
  assert.ok(near(c.delay.meanMs, 2));
});

test('the fit recovers the occupancy behind an M/G/1 mean, and says when the measurement lies outside its bounds', () => {
  // Idle latency 7 ms, the model alone at 100 req/s, service scv 0.25: what the FCFS prediction gives at occupancy o.
  const m = { idleMeanMs: 7, idleVarianceMs2: 0, saturationThroughputPerS: 250, saturationBatchRows: 1 };
  const predicted = (o: number): number | null => {
    const c = calibrateServedModel(profiled, 0.25, { ...m, occupancyB1Ms: o });
    const p = predictorFor('fcfs').predict([{ name: 'a', arrivalRatePerS: 100, latency: scaleLatencyCurve(CURVE, c.occupancyScale), serviceScv: 0.25 }], { cores: 1 });
    const a = p.perModel[0];
    return a?.stable === true ? withDelayStage(a, c.delay).meanMs : null;
  };
  const truth = predicted(6);
  assert.ok(truth !== null && truth > 7);
  const fit = fitOccupancyB1Ms(truth, predicted, 2, 9.99);
  assert.equal(fit.outcome, 'fitted');
  assert.ok(Math.abs(fit.occupancyB1Ms - 6) < 1e-3);
  // Unstable above 10 ms (100 req/s): the bisection treats null as too high.
  assert.ok(Math.abs(fitOccupancyB1Ms(truth, predicted, 2, 20).occupancyB1Ms - 6) < 1e-3);
  assert.deepEqual(fitOccupancyB1Ms(6.9, predicted, 2, 9.99), { occupancyB1Ms: 2, outcome: 'low' });
  assert.deepEqual(fitOccupancyB1Ms(1e6, (o) => 7 + o, 2, 9.99), { occupancyB1Ms: 9.99, outcome: 'high' });
  assert.throws(() => fitOccupancyB1Ms(0, predicted, 2, 9.99), (e: unknown) => e instanceof ServingError && e.code === 'INVALID_ARGUMENT');
  assert.throws(() => fitOccupancyB1Ms(8, predicted, 3, 3), (e: unknown) => e instanceof ServingError && e.code === 'INVALID_ARGUMENT');
});

test('scaleLatencyCurve scales the fixed and per-row parts and keeps the serial fraction', () => {
  assert.deepEqual(scaleLatencyCurve({ fixedMs: 1, perItemMs: 2, serialFraction: 0.3 }, 1.5), { fixedMs: 1.5, perItemMs: 3, serialFraction: 0.3 });
});

test('malformed measurements or factors are INVALID_ARGUMENT errors', () => {
  const ok = { idleMeanMs: 7, idleVarianceMs2: 1, saturationThroughputPerS: 250, saturationBatchRows: 1 };
  const invalid = (e: unknown): boolean => e instanceof ServingError && e.code === 'INVALID_ARGUMENT';
  for (const bad of [{ idleMeanMs: 0 }, { idleVarianceMs2: -1 }, { saturationThroughputPerS: 0 }, { saturationBatchRows: 0.5 }, { saturationThroughputPerS: Number.NaN }, { occupancyB1Ms: 0 }, { idleP95Ms: 0 }]) {
    assert.throws(() => calibrateServedModel(profiled, 0, { ...ok, ...bad }), invalid);
  }
  assert.throws(() => calibrateServedModel(profiled, -1, ok), invalid);
  assert.throws(() => calibrateServedModel(() => 0, 0, ok), invalid);
  assert.throws(() => scaleLatencyCurve(CURVE, 0), invalid);
});
