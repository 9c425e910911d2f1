// calibrateServedModel: occupancy from a saturation run, the idle latency's remainder as a delay, and input checks.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ServingError } from '../core/errors.js';
import { batchLatencyMs } from './cpu-scaling.js';
import { withDelayStage } from './delay-stage.js';
import { predictorFor } from './predictor-for.js';
import { calibrateServedModel, scaleLatencyCurve } from './served-calibration.js';

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

test('the calibrated server is overloaded exactly where the saturation run says it runs out', () => {
  const c = calibrateServedModel(profiled, 0, { idleMeanMs: 7, idleVarianceMs2: 0, saturationThroughputPerS: 250, saturationBatchRows: 1 });
  const at = (ratePerS: number): boolean =>
    predictorFor('fcfs').predict([{ name: 'a', arrivalRatePerS: ratePerS, latency: scaleLatencyCurve(CURVE, c.occupancyScale) }], { cores: 1 }).stable;
  assert.equal(at(245), true);
  assert.equal(at(255), false);
});

test('scaleLatencyCurve scales the fixed and per-row parts and keeps the serial fraction', () => {
  assert.deepEqual(scaleLatencyCurve({ fixedMs: 1, perItemMs: 2, serialFraction: 0.3 }, 1.5), { fixedMs: 1.5, perItemMs: 3, serialFraction: 0.3 });
});

test('malformed measurements or factors are INVALID_ARGUMENT errors', () => {
  const ok = { idleMeanMs: 7, idleVarianceMs2: 1, saturationThroughputPerS: 250, saturationBatchRows: 1 };
  const invalid = (e: unknown): boolean => e instanceof ServingError && e.code === 'INVALID_ARGUMENT';
  for (const bad of [{ idleMeanMs: 0 }, { idleVarianceMs2: -1 }, { saturationThroughputPerS: 0 }, { saturationBatchRows: 0.5 }, { saturationThroughputPerS: Number.NaN }]) {
    assert.throws(() => calibrateServedModel(profiled, 0, { ...ok, ...bad }), invalid);
  }
  assert.throws(() => calibrateServedModel(profiled, -1, ok), invalid);
  assert.throws(() => calibrateServedModel(() => 0, 0, ok), invalid);
  assert.throws(() => scaleLatencyCurve(CURVE, 0), invalid);
});
