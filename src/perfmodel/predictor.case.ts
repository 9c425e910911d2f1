// Shared contract suite every SharingPredictor runs: shape, limits, monotonicity, overload and input checks.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ServingError } from '../core/errors.js';
import { batchLatencyMs } from './cpu-scaling.js';
import type { ColocatedModel, ExecutorSpec, ModelPrediction, SharingPrediction, SharingPredictor } from './predictor.js';

/** Two light models on two cores (utilisation ≈ 0.25). */
export const MODELS: readonly ColocatedModel[] = [
  { name: 'resnet', arrivalRatePerS: 40, latency: { fixedMs: 4, perItemMs: 1, serialFraction: 0.3 }, serviceScv: 0.1, maxBatchSize: 4, weight: 1 },
  { name: 'bert', arrivalRatePerS: 80, latency: { fixedMs: 2, perItemMs: 0.5, serialFraction: 0.2 }, maxBatchSize: 4, weight: 2 },
];
export const EXECUTOR: ExecutorSpec = { cores: 2, switchCostMs: 0.5, quantumMs: 5 };

function stableModel(p: ModelPrediction | undefined): Extract<ModelPrediction, { stable: true }> {
  assert.ok(p?.stable, `expected a stable prediction, got ${JSON.stringify(p)}`);
  return p;
}

function withRate(model: ColocatedModel, arrivalRatePerS: number): ColocatedModel {
  return { ...model, arrivalRatePerS };
}

function assertFinite(prediction: SharingPrediction): void {
  assert.ok(Number.isFinite(prediction.utilization) && prediction.utilization >= 0 && prediction.utilization <= 1);
  assert.ok(Number.isFinite(prediction.offeredLoad) && prediction.offeredLoad >= 0);
  for (const m of prediction.perModel) {
    assert.ok(Number.isFinite(m.throughputPerS) && m.throughputPerS >= 0);
    if (m.stable) for (const v of [m.meanMs, m.p95Ms, m.p99Ms, m.responseScv]) assert.ok(Number.isFinite(v) && v >= 0);
  }
}

export function runPredictorContract(name: string, predictor: SharingPredictor): void {
  test(`${name}: no models is a stable, idle executor`, () => {
    const p = predictor.predict([], EXECUTOR);
    assert.equal(p.mode, predictor.mode);
    assert.equal(p.stable, true);
    assert.equal(p.utilization, 0);
    assert.deepEqual(p.perModel, []);
  });

  test(`${name}: predictions come back per model, in input order, finite, with p99 ≥ p95 and throughput = rate`, () => {
    const p = predictor.predict(MODELS, EXECUTOR);
    assert.equal(p.stable, true);
    assert.deepEqual(
      p.perModel.map((m) => m.name),
      ['resnet', 'bert'],
    );
    assertFinite(p);
    p.perModel.forEach((m, i) => {
      const s = stableModel(m);
      const model = MODELS[i] as ColocatedModel;
      assert.ok(s.p99Ms >= s.p95Ms && s.p95Ms > 0);
      assert.ok(s.meanMs >= batchLatencyMs(model.latency, 1, EXECUTOR.cores) * (1 - 1e-9));
      assert.ok(Math.abs(s.throughputPerS - model.arrivalRatePerS) < 1e-6 * model.arrivalRatePerS);
    });
    assert.ok(p.utilization > 0 && p.utilization < 1);
  });

  test(`${name}: a lone model at vanishing load sees its own run latency`, () => {
    const model = withRate(MODELS[0] as ColocatedModel, 1e-6);
    const s = stableModel(predictor.predict([model], EXECUTOR).perModel[0]);
    const runMs = batchLatencyMs(model.latency, 1, EXECUTOR.cores);
    assert.ok(Math.abs(s.meanMs - runMs) < 1e-4 * runMs, `${s.meanMs} vs ${runMs}`);
  });

  test(`${name}: more load on a model never lowers any model's latency or the utilisation`, () => {
    let previous: SharingPrediction | undefined;
    for (const rate of [20, 60, 120, 200]) {
      const p = predictor.predict([withRate(MODELS[0] as ColocatedModel, rate), MODELS[1] as ColocatedModel], EXECUTOR);
      if (previous !== undefined) {
        const before = previous;
        assert.ok(p.utilization >= before.utilization - 1e-12);
        p.perModel.forEach((m, i) => {
          const now = stableModel(m);
          const then = stableModel(before.perModel[i]);
          assert.ok(now.meanMs >= then.meanMs - 1e-9, `mean ${now.meanMs} < ${then.meanMs}`);
          assert.ok(now.p99Ms >= then.p99Ms - 1e-9, `p99 ${now.p99Ms} < ${then.p99Ms}`);
        });
      }
      previous = p;
    }
  });

  test(`${name}: more cores never raise latency`, () => {
    let previous: SharingPrediction | undefined;
    for (const cores of [1, 2, 4]) {
      const p = predictor.predict(MODELS, { ...EXECUTOR, cores });
      if (previous !== undefined) {
        const before = previous;
        p.perModel.forEach((m, i) => assert.ok(stableModel(m).meanMs <= stableModel(before.perModel[i]).meanMs + 1e-9));
      }
      previous = p;
    }
  });

  test(`${name}: the order of the models does not change any model's prediction`, () => {
    const forward = predictor.predict(MODELS, EXECUTOR).perModel;
    const backward = predictor.predict([...MODELS].reverse(), EXECUTOR).perModel;
    for (const m of forward) {
      const other = stableModel(backward.find((x) => x.name === m.name));
      const s = stableModel(m);
      assert.ok(Math.abs(s.meanMs - other.meanMs) <= 1e-6 * s.meanMs);
      assert.ok(Math.abs(s.p99Ms - other.p99Ms) <= 1e-6 * s.p99Ms);
    }
  });

  test(`${name}: k instances at k times the rate predict the same latency and k times the throughput`, () => {
    const one = predictor.predict(MODELS, EXECUTOR).perModel;
    const two = predictor.predict(
      MODELS.map((m) => withRate(m, 2 * m.arrivalRatePerS)),
      { ...EXECUTOR, instances: 2 },
    ).perModel;
    one.forEach((m, i) => {
      const a = stableModel(m);
      const b = stableModel(two[i]);
      assert.ok(Math.abs(a.meanMs - b.meanMs) <= 1e-6 * a.meanMs);
      assert.ok(Math.abs(2 * a.throughputPerS - b.throughputPerS) <= 1e-6 * b.throughputPerS);
    });
  });

  test(`${name}: overload is stable: false with finite numbers, never NaN or Infinity`, () => {
    const p = predictor.predict(
      MODELS.map((m) => withRate(m, 100 * m.arrivalRatePerS)),
      EXECUTOR,
    );
    assert.equal(p.stable, false);
    assert.equal(p.utilization, 1);
    assert.ok(p.offeredLoad >= 1);
    assert.ok(p.perModel.every((m) => !m.stable));
    assertFinite(p);
    assert.ok(!JSON.stringify(p).includes('null'));
  });

  test(`${name}: malformed input is an INVALID_ARGUMENT error`, () => {
    const bad: [readonly ColocatedModel[], ExecutorSpec][] = [
      [[withRate(MODELS[0] as ColocatedModel, -1)], EXECUTOR],
      [[withRate(MODELS[0] as ColocatedModel, Number.NaN)], EXECUTOR],
      [MODELS, { ...EXECUTOR, cores: 0 }],
      [MODELS, { ...EXECUTOR, instances: 1.5 }],
      [[{ ...(MODELS[0] as ColocatedModel), maxBatchSize: 0 }], EXECUTOR],
      [[{ ...(MODELS[0] as ColocatedModel), latency: { fixedMs: 0, perItemMs: 0, serialFraction: 0 } }], EXECUTOR],
    ];
    for (const [models, executor] of bad) {
      assert.throws(
        () => predictor.predict(models, executor),
        (err: unknown) => err instanceof ServingError && err.code === 'INVALID_ARGUMENT',
      );
    }
  });
}
