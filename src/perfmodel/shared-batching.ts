// Several models, each with its own dynamic batcher, whose batches share one executor in arrival order (the live server today).

import { type BatchingAnalysis, batchingQueue } from './batching.js';
import { serviceMoments } from './service-distribution.js';
import { MS_PER_S, type QueueAnalysis, type ServiceTime } from './types.js';

export interface SharedBatchingClass {
  readonly arrivalRatePerS: number;
  readonly maxBatchSize: number;
  readonly batchService: (batchSize: number) => ServiceTime;
}

export interface SharedBatchingOptions {
  /** Paid before a batch whose model differs from the previous batch's, ms. Default 0. */
  readonly switchCostMs?: number;
  /** Identical executors, each hosting every model; arrivals split at random. Default 1. */
  readonly instances?: number;
}

const MAX_ITERATIONS = 200;
const TOLERANCE_MS = 1e-7;
/** Damping of the fixed point: the extra delay moves this fraction of the way to its new value each round. */
const DAMPING = 0.5;

interface ClassState {
  readonly analysis: BatchingAnalysis;
  /** Batches per ms. */
  readonly batchRatePerMs: number;
  /** Mean and second moment of the model's own batch time (no interference), batch-weighted. */
  readonly ownMs: number;
  readonly ownSecondMs2: number;
}

/*
 * Fixed point (an approximation; exact with one model). Each model i is the single-model batching chain with its
 * batch time stretched by a constant E_i, the time its dispatched batch waits at the worker for others:
 *   E_i = σ_i δ + Σ_{j≠i} [ u_j R_j + (f_j − u_j) L̄_j ],
 * u_j = fraction of time j's batch runs, f_j = fraction of time j has a batch at the worker (one in flight at most),
 * R_j = E[L_j²] / 2E[L_j] the residual of a running batch, L̄_j its mean, σ_i = 1 − (i's share of batches) the
 * chance the previous batch was another model's. Iterated (damped) until E stops moving.
 */
export function sharedBatching(classes: readonly SharedBatchingClass[], options: SharedBatchingOptions = {}): QueueAnalysis {
  const instances = Math.max(1, Math.floor(options.instances ?? 1));
  const switchCostMs = options.switchCostMs ?? 0;
  const extraMs = classes.map(() => 0);
  let states: ClassState[] = [];
  for (let iter = 0; iter < MAX_ITERATIONS; iter++) {
    // A model whose own chain saturates keeps one full batch in flight; the others still get their turns.
    states = classes.map((c, i) => analyse(c, instances, extraMs[i] as number));
    const totalBatchRate = states.reduce((acc, s) => acc + s.batchRatePerMs, 0);
    let moved = 0;
    classes.forEach((_, i) => {
      const share = totalBatchRate > 0 ? (states[i] as ClassState).batchRatePerMs / totalBatchRate : 1;
      let target = (1 - share) * switchCostMs;
      states.forEach((s, j) => {
        if (j === i || s.ownMs <= 0) return;
        const running = s.batchRatePerMs * s.ownMs;
        const atWorker = Math.min(1, s.batchRatePerMs * (s.ownMs + (extraMs[j] as number)));
        target += running * (s.ownSecondMs2 / (2 * s.ownMs)) + Math.max(0, atWorker - running) * s.ownMs;
      });
      const next = (extraMs[i] as number) + DAMPING * (target - (extraMs[i] as number));
      moved = Math.max(moved, Math.abs(next - (extraMs[i] as number)));
      extraMs[i] = next;
    });
    if (moved < TOLERANCE_MS) break;
  }
  const load = executorLoad(states, switchCostMs);
  if (load >= 1) return overloaded(classes, states, instances, switchCostMs);
  const results = states.map((s) => s.analysis.classes[0] ?? { stable: false as const, throughputPerS: 0 });
  return {
    stable: results.every((r) => r.stable),
    utilization: load,
    offeredLoad: Math.max(load, ...states.map((s) => s.analysis.offeredLoad)),
    classes: results,
  };
}

function analyse(c: SharedBatchingClass, instances: number, extraMs: number): ClassState {
  const stretched = (b: number): ServiceTime => {
    const s = c.batchService(b);
    const meanMs = s.meanMs + extraMs;
    // A constant shift keeps the variance: scv scales by (old mean / new mean)².
    return { meanMs, scv: meanMs > 0 ? (s.scv * s.meanMs * s.meanMs) / (meanMs * meanMs) : 0 };
  };
  const analysis = batchingQueue({ arrivalRatePerS: c.arrivalRatePerS, maxBatchSize: c.maxBatchSize, batchService: stretched, instances });
  let ownMs = 0;
  let ownSecondMs2 = 0;
  analysis.batchSizeProbabilities.forEach((p, i) => {
    if (p === 0) return;
    const m = serviceMoments(c.batchService(i + 1));
    ownMs += p * m.m1;
    ownSecondMs2 += p * m.m2;
  });
  return { analysis, batchRatePerMs: analysis.batchRatePerS / instances / MS_PER_S, ownMs, ownSecondMs2 };
}

/** Fraction of one executor's time spent running batches or switching between models. */
function executorLoad(states: readonly ClassState[], switchCostMs: number): number {
  const totalBatchRate = states.reduce((acc, s) => acc + s.batchRatePerMs, 0);
  return states.reduce((acc, s) => {
    const switchProbability = totalBatchRate > 0 ? 1 - s.batchRatePerMs / totalBatchRate : 0;
    return acc + s.batchRatePerMs * (s.ownMs + switchProbability * switchCostMs);
  }, 0);
}

/** Saturated executor: every model's batches become full; the executor's time divides in proportion to demand. */
function overloaded(
  classes: readonly SharedBatchingClass[],
  states: readonly ClassState[],
  instances: number,
  switchCostMs: number,
): QueueAnalysis {
  const n = classes.length;
  const switchProbability = n > 1 ? 1 - 1 / n : 0;
  // Work per request at full batches, including the switch paid per batch.
  const perRequestMs = classes.map((c) => {
    const b = Math.max(1, Math.floor(c.maxBatchSize));
    return (c.batchService(b).meanMs + switchProbability * switchCostMs) / b;
  });
  const offeredLoad = classes.reduce((acc, c, i) => acc + (c.arrivalRatePerS / instances / MS_PER_S) * (perRequestMs[i] as number), 0);
  const scale = Math.max(1, offeredLoad, executorLoad(states, switchCostMs));
  return {
    stable: false,
    utilization: 1,
    offeredLoad: Math.max(offeredLoad, executorLoad(states, switchCostMs)),
    classes: classes.map((c) => ({ stable: false, throughputPerS: c.arrivalRatePerS / scale })),
  };
}
