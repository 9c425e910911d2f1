// Batchers sharing one executor: reduces to one batcher, interference only adds latency, saturation, Monte-Carlo means.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { batchingQueue } from './batching.js';
import { relativeError, simulateSharedBatching, summarize } from './monte-carlo.case.js';
import { type SharedBatchingClass, sharedBatching } from './shared-batching.js';
import type { StableClassLatency } from './types.js';

const stable = (c: unknown): StableClassLatency => {
  assert.ok(c !== undefined && (c as StableClassLatency).stable);
  return c as StableClassLatency;
};

const modelA: SharedBatchingClass = { arrivalRatePerS: 20, maxBatchSize: 4, batchService: (b) => ({ meanMs: 8 + 2 * b, scv: 0 }) };
const modelB: SharedBatchingClass = { arrivalRatePerS: 40, maxBatchSize: 8, batchService: (b) => ({ meanMs: 4 + b, scv: 0 }) };

test('one model is exactly the single batcher', () => {
  assert.deepEqual(sharedBatching([modelA], { switchCostMs: 3 }).classes, batchingQueue(modelA).classes);
});

test('sharing only adds latency, and a switch cost adds more', () => {
  const alone = stable(batchingQueue(modelA).classes[0]);
  const shared = stable(sharedBatching([modelA, modelB]).classes[0]);
  const switching = stable(sharedBatching([modelA, modelB], { switchCostMs: 1 }).classes[0]);
  assert.ok(shared.meanMs > alone.meanMs && switching.meanMs > shared.meanMs);
});

test('a model beyond its full-batch capacity saturates while a light neighbour stays stable', () => {
  const flooded = { ...modelA, arrivalRatePerS: 400 };
  const a = sharedBatching([flooded, { ...modelB, arrivalRatePerS: 5 }], { switchCostMs: 0.5 });
  assert.equal(a.classes[0]?.stable, false);
  assert.equal(a.classes[1]?.stable, true);
  assert.ok(Number.isFinite(a.classes[0]?.throughputPerS) && a.utilization === 1);
});

test('two unbatched models whose work plus switches exceeds the executor are unstable', () => {
  const a = sharedBatching(
    [
      { arrivalRatePerS: 60, maxBatchSize: 1, batchService: () => ({ meanMs: 10, scv: 0 }) },
      { arrivalRatePerS: 60, maxBatchSize: 1, batchService: () => ({ meanMs: 5, scv: 0 }) },
    ],
    { switchCostMs: 1 },
  );
  assert.equal(a.stable, false);
  assert.ok(a.offeredLoad >= 1);
});

test('Monte-Carlo: two batchers on one worker match the simulated means within 10 %', () => {
  // 300 s of simulated traffic, seeded.
  const simulated = simulateSharedBatching(
    [modelA, modelB].map((m) => ({ arrivalRatePerS: m.arrivalRatePerS, maxBatch: m.maxBatchSize, batchMs: (b: number) => m.batchService(b).meanMs })),
    1,
    300_000,
    3,
  ).map((s) => summarize(s));
  sharedBatching([modelA, modelB], { switchCostMs: 1 }).classes.forEach((p, i) => {
    const s = simulated[i];
    assert.ok(p.stable && s !== undefined);
    assert.ok(relativeError(p.meanMs, s.meanMs) < 0.1, `mean ${p.meanMs} vs ${s.meanMs}`);
  });
});
