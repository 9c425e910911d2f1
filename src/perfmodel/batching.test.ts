// Dynamic batcher queue: exact cases (B = 1 is M/D/1 and M/M/1), capacity, limits, monotonicity, Monte-Carlo tails.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { batchingCapacityPerS, batchingDynamics, batchingQueue } from './batching.js';
import { fcfsSwitch } from './fcfs-switch.js';
import { relativeError, simulateBatching, summarize } from './monte-carlo.case.js';
import type { ServiceTime, StableClassLatency } from './types.js';

const close = (actual: number, expected: number, rel = 1e-9): void =>
  assert.ok(Math.abs(actual - expected) <= rel * Math.abs(expected), `${actual} ≉ ${expected}`);

/** L(b) = 5 + b ms, deterministic. */
const affine = (b: number): ServiceTime => ({ meanMs: 5 + b, scv: 0 });

function latency(arrivalRatePerS: number, maxBatchSize: number, batchService = affine): StableClassLatency {
  const c = batchingQueue({ arrivalRatePerS, maxBatchSize, batchService }).classes[0];
  assert.ok(c?.stable);
  return c;
}

test('with max batch 1 and deterministic batches it is M/D/1 (mean and scv equal the FCFS model)', () => {
  const batched = latency(80, 1, () => ({ meanMs: 10, scv: 0 }));
  const fcfs = fcfsSwitch([{ arrivalRatePerS: 80, service: { meanMs: 10, scv: 0 } }]).classes[0];
  assert.ok(fcfs?.stable);
  close(batched.meanMs, fcfs.meanMs, 1e-6);
  close(batched.responseScv, fcfs.responseScv, 1e-4);
});

test('with max batch 1 and exponential batches it is M/M/1: mean 1/(μ − λ)', () => {
  close(latency(50, 1, () => ({ meanMs: 10, scv: 1 })).meanMs, 20, 1e-6);
});

test('capacity is max over b of b / L(b) times the instances', () => {
  close(batchingCapacityPerS(affine, 8), (8 / 13) * 1000);
  close(batchingCapacityPerS(affine, 8, 3), ((3 * 8) / 13) * 1000);
});

test('at vanishing load every request runs alone: latency L(1), batches of one', () => {
  const a = batchingQueue({ arrivalRatePerS: 1e-6, maxBatchSize: 8, batchService: affine });
  const [c] = a.classes;
  assert.ok(c?.stable);
  close(c.meanMs, 6, 1e-6);
  close(a.meanBatchSize, 1, 1e-6);
});

test('batches grow and latency never falls as load rises, up to the capacity', () => {
  let previousMean = 0;
  let previousBatch = 0;
  for (const rate of [20, 100, 200, 300, 400, 500, 580]) {
    const a = batchingQueue({ arrivalRatePerS: rate, maxBatchSize: 8, batchService: affine });
    const [c] = a.classes;
    assert.ok(c?.stable);
    assert.ok(c.meanMs >= previousMean && a.meanBatchSize >= previousBatch);
    assert.ok(c.p99Ms >= c.p95Ms && c.p95Ms >= 6);
    close(c.throughputPerS, rate);
    close(a.batchRatePerS * a.meanBatchSize, rate, 1e-6);
    previousMean = c.meanMs;
    previousBatch = a.meanBatchSize;
  }
});

test('at or beyond capacity it is unstable, with full batches and finite throughput', () => {
  const a = batchingQueue({ arrivalRatePerS: 700, maxBatchSize: 8, batchService: affine });
  assert.equal(a.stable, false);
  assert.equal(a.meanBatchSize, 8);
  const [c] = a.classes;
  assert.ok(c !== undefined && !c.stable);
  close(c.throughputPerS, (8 / 13) * 1000);
});

test('instances split the arrivals: k instances at kλ behave like one at λ', () => {
  const one = latency(300, 8);
  const three = batchingQueue({ arrivalRatePerS: 900, maxBatchSize: 8, batchService: affine, instances: 3 });
  const [c] = three.classes;
  assert.ok(c?.stable);
  close(c.meanMs, one.meanMs, 1e-9);
  close(c.throughputPerS, 900);
});

test('batchingDynamics agrees with batchingQueue on everything but latency', () => {
  const full = batchingQueue({ arrivalRatePerS: 300, maxBatchSize: 8, batchService: affine });
  const dynamics = batchingDynamics({ arrivalRatePerS: 300, maxBatchSize: 8, batchService: affine });
  assert.equal(dynamics.meanBatchSize, full.meanBatchSize);
  assert.equal(dynamics.utilization, full.utilization);
  assert.ok(dynamics.backToBackFraction > 0 && dynamics.backToBackFraction < 1);
});

test('Monte-Carlo: deterministic batches match within 2 % (mean) and 10 % (p95, p99)', () => {
  // 100k requests per case, seeded; moments are exact here, the shifted-gamma percentiles approximate.
  for (const [rate, maxBatch] of [
    [100, 4],
    [300, 8],
    [450, 8],
  ] as const) {
    const s = summarize(simulateBatching(rate, maxBatch, (b) => 5 + b, 100_000, 5));
    const p = latency(rate, maxBatch);
    assert.ok(relativeError(p.meanMs, s.meanMs) < 0.02, `mean ${p.meanMs} vs ${s.meanMs}`);
    assert.ok(relativeError(p.p95Ms, s.p95Ms) < 0.1, `p95 ${p.p95Ms} vs ${s.p95Ms}`);
    assert.ok(relativeError(p.p99Ms, s.p99Ms) < 0.1, `p99 ${p.p99Ms} vs ${s.p99Ms}`);
  }
});
