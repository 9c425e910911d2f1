// Unit tests of the latency fit: exact recovery from model-generated data, robustness to noise, degenerate sweeps.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeededRandom } from '../onnx/seeded-random.js';
import { type FitPoint, fitLatency } from './fit.js';
import { predictLatencyMs } from './profile.js';

const BATCHES = [1, 2, 4, 8, 16, 32];
const CORES = [1, 2, 4];

function grid(truth: { fixedMs: number; perItemMs: number; serialFraction: number }, noise = 0, seed = 1): FitPoint[] {
  const rng = new SeededRandom(seed);
  return CORES.flatMap((cores) =>
    BATCHES.map((batchSize) => ({
      batchSize,
      cores,
      latencyMs: predictLatencyMs(truth, batchSize, cores) * (1 + noise * (2 * rng.nextFloat() - 1)),
    })),
  );
}

describe('fitLatency', () => {
  for (const truth of [
    { fixedMs: 2, perItemMs: 0.5, serialFraction: 0.3 },
    { fixedMs: 0.05, perItemMs: 12, serialFraction: 0.87 },
    { fixedMs: 8, perItemMs: 0, serialFraction: 0 },
  ]) {
    it(`recovers fixed ${truth.fixedMs} ms, per-row ${truth.perItemMs} ms, serial ${truth.serialFraction} from exact data`, () => {
      const fit = fitLatency(grid(truth));
      assert.ok(Math.abs(fit.fixedMs - truth.fixedMs) <= 1e-3 * Math.max(1, truth.fixedMs), `fixed ${fit.fixedMs}`);
      assert.ok(Math.abs(fit.perItemMs - truth.perItemMs) <= 1e-3 * Math.max(1, truth.perItemMs), `perItem ${fit.perItemMs}`);
      assert.ok(Math.abs(fit.serialFraction - truth.serialFraction) <= 1e-3, `serial ${fit.serialFraction}`);
      assert.ok(fit.maxRelError < 1e-3);
    });
  }

  it('stays close to the truth with ±5% noise and reports an error of that size', () => {
    const truth = { fixedMs: 3, perItemMs: 1.5, serialFraction: 0.4 };
    const fit = fitLatency(grid(truth, 0.05, 7));
    assert.ok(Math.abs(fit.perItemMs - truth.perItemMs) / truth.perItemMs < 0.1, `perItem ${fit.perItemMs}`);
    assert.ok(Math.abs(fit.serialFraction - truth.serialFraction) < 0.1, `serial ${fit.serialFraction}`);
    assert.ok(fit.medianRelError > 0.001 && fit.medianRelError < 0.05, `median ${fit.medianRelError}`);
    assert.ok(fit.maxRelError >= fit.medianRelError && fit.maxRelError < 0.1);
  });

  it('reports a large error when the data do not follow the model', () => {
    // Latency falling with batch size cannot be fitted with non-negative costs.
    const points = [1, 2, 4, 8].map((b) => ({ batchSize: b, cores: 1, latencyMs: 16 / b }));
    const fit = fitLatency(points);
    assert.ok(fit.fixedMs >= 0 && fit.perItemMs >= 0);
    assert.ok(fit.maxRelError > 0.5);
  });

  it('assumes no speed-up from threads when only one core count was measured', () => {
    const fit = fitLatency(BATCHES.map((b) => ({ batchSize: b, cores: 1, latencyMs: 1 + 0.25 * b })));
    assert.equal(fit.serialFraction, 1);
    assert.ok(Math.abs(fit.fixedMs - 1) < 1e-9 && Math.abs(fit.perItemMs - 0.25) < 1e-9);
  });

  it('charges a single batch size entirely per row', () => {
    const fit = fitLatency([{ batchSize: 1, cores: 1, latencyMs: 40 }, { batchSize: 1, cores: 2, latencyMs: 25 }]);
    assert.equal(fit.fixedMs, 0);
    assert.ok(Math.abs(fit.perItemMs - 40) < 0.01 && Math.abs(fit.serialFraction - 0.25) < 0.01);
    assert.ok(fit.maxRelError < 1e-3);
  });

  it('gives NaN errors when there is nothing to fit', () => {
    assert.ok(Number.isNaN(fitLatency([]).medianRelError));
  });
});
