// Where each mode's occupancy comes from (the worker's busy time or the loaded fit), how the busy time becomes a
// batch-1 occupancy, and the per-case idle probe replacing only the idle latency.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { syntheticProfile } from '../../src/sim/synthetic-profile.js';
import type { ModelCalibration } from './calibrate-server.js';
import { fittedMeasurements, occupancySourceOf, predictionMeasurements, withCaseIdle, workerBusyMeasurements } from './calibration-measurements.js';
import type { OverheadProbe } from './probe-overhead.js';

/** session.run: 1 ms fixed + 1 ms per row, one thread. */
const PROFILES = [syntheticProfile({ model: 'm', fixedMs: 1, perItemMs: 1 })];

function probe(meanMs: number, p95Ms: number, varianceMs2: number): OverheadProbe {
  return { model: 'm', requests: 150, clientMeanMs: meanMs, clientP95Ms: p95Ms, clientVarianceMs2: varianceMs2, serverComputeMs: 2, serverEngineMs: 3, profiledServiceMs: 2, overheadMs: meanMs - 2 };
}

function windowStats(meanBatchRows: number): ModelCalibration['saturation']['server'] {
  return { requests: 100, batches: 100 / meanBatchRows, meanBatchRows, meanComputeMs: 2, meanComputeB1Ms: 2, computeMs: 200, meanEngineMs: 3, meanQueueMs: 0, meanInstanceMs: 3 };
}

/** One model alone: 250 req/s backlogged (4 ms per request), the worker busy 2.5 ms per request of it. */
function calibration(rows: number, workerCpuMsPerRequest = 2.5): ModelCalibration {
  return {
    model: 'm',
    idle: { ...probe(7, 9, 9), otherCores: 0 },
    saturation: {
      model: 'm',
      concurrency: 4,
      windowS: 3,
      completed: 750,
      failed: 0,
      throughputPerS: 250,
      clientMeanMs: 16,
      server: windowStats(rows),
      frontEndCpuMsPerRequest: 1,
      workerCpuMsPerRequest,
      loadGeneratorCpuMsPerRequest: 0.5,
      otherCores: 0,
    },
    idleOtherCoresAttempts: [0],
    saturationOtherCoresAttempts: [0],
  };
}

test('the pipelined modes use the worker\'s busy time, the fair mode the loaded fit', () => {
  assert.equal(occupancySourceOf('fcfs'), 'worker-busy');
  assert.equal(occupancySourceOf('fcfs-batching'), 'worker-busy');
  assert.equal(occupancySourceOf('fair'), 'loaded-fit');
});

test('one-row batches: the batch-1 occupancy is the worker\'s CPU time per request', () => {
  const m = workerBusyMeasurements([calibration(1)], PROFILES, 1)['m'];
  assert.equal(m?.occupancyB1Ms, 2.5);
  // The idle latency stays the calibration's, its p95 included.
  assert.equal(m?.idleMeanMs, 7);
  assert.equal(m?.idleP95Ms, 9);
});

test('batches of two rows: the batch holds the worker 2 × the per-request time, scaled to one row along the profile', () => {
  // 2 rows × 2.5 ms = 5 ms per batch against 3 ms profiled for 2 rows: scale 5/3 on the 2 ms of one row.
  const o = workerBusyMeasurements([calibration(2)], PROFILES, 1)['m']?.occupancyB1Ms ?? Number.NaN;
  assert.ok(Math.abs(o - (5 / 3) * 2) < 1e-9);
});

test('no worker CPU measured: the model keeps the saturation estimate (no occupancy given)', () => {
  assert.equal(workerBusyMeasurements([calibration(1, 0)], PROFILES, 1)['m']?.occupancyB1Ms, undefined);
});

test('predictionMeasurements picks by mode', () => {
  const cal = [calibration(1)];
  const fitted = fittedMeasurements(cal, { mode: 'fair', profiles: PROFILES, threads: 1 });
  assert.equal(predictionMeasurements('fair', cal, fitted, PROFILES, 1), fitted.measurements);
  assert.equal(predictionMeasurements('fcfs', cal, fitted, PROFILES, 1)['m']?.occupancyB1Ms, 2.5);
});

test('a case\'s idle probe rescales the idle latency of its models to its mean and nothing else', () => {
  const base = workerBusyMeasurements([calibration(1)], PROFILES, 1);
  // Calibration idle: mean 7, variance 9, p95 9; the probe's mean 8.75 = 1.25 × 7 (its own spread is not used).
  const out = withCaseIdle(base, [probe(8.75, 30, 100), { ...probe(1, 1, 0), model: 'absent' }]);
  assert.deepEqual(out['m'], { ...base['m'], idleMeanMs: 8.75, idleVarianceMs2: 9 * 1.25 * 1.25, idleP95Ms: 9 * 1.25 });
  assert.equal(out['absent'], undefined);
  assert.equal(base['m']?.idleMeanMs, 7);
  // A probe that measured nothing leaves the calibration as it was.
  assert.deepEqual(withCaseIdle(base, [probe(Number.NaN, 1, 0)])['m'], base['m']);
});
