// One model behind the Triton-style dynamic batcher (max batch B, no queue delay): exact embedded Markov chain at batch departures.

import { MIN_STATES, batchSizeAt, batchingChain } from './batching-chain.js';
import { batchingLatencyMoments } from './batching-latency.js';
import { stableLatencyThreeMoments } from './response-time.js';
import { serviceMoments } from './service-distribution.js';
import { type ClassLatency, MS_PER_S, type QueueAnalysis, type RawMoments, type ServiceTime } from './types.js';

export interface BatchingQueueInput {
  /** Poisson arrival rate of one-row requests, per second, over all instances. */
  readonly arrivalRatePerS: number;
  /** Largest batch, rows (the batcher's maxBatchSize). */
  readonly maxBatchSize: number;
  /** Service time of one batch of `batchSize` rows on one instance (e.g. `serviceFromFit(curve, b, cores, scv)`). */
  readonly batchService: (batchSize: number) => ServiceTime;
  /** Instances, each on its own executor, fed by random split of the arrivals. Default 1. */
  readonly instances?: number;
}

export interface BatchingOptions {
  /** Largest truncation of the queue-length chain, states. Default 32768 (enough for load ≤ 0.999). */
  readonly maxStates?: number;
}

/** How the batcher runs, without latency: cheap (no arrival-epoch sums), for fixed points that iterate on it. */
export interface BatchingDynamics {
  readonly stable: boolean;
  /** Fraction of time an instance runs batches. */
  readonly utilization: number;
  /** Arrival rate over what the batcher sustains when backlogged, B / L(B) per instance (≥ 1: unstable). */
  readonly offeredLoad: number;
  /** max over b ≤ B of b / L(b), over all instances, requests per second. */
  readonly capacityPerS: number;
  /** Mean rows per batch. */
  readonly meanBatchSize: number;
  /** Fraction of batches that have b rows, at index b − 1. */
  readonly batchSizeProbabilities: readonly number[];
  /** Batches run per second over all instances. */
  readonly batchRatePerS: number;
  /** Fraction of batches that start right as the previous one completes (requests were waiting). */
  readonly backToBackFraction: number;
}

export interface BatchingAnalysis extends QueueAnalysis, BatchingDynamics {}

const DEFAULT_MAX_STATES = 1 << 15;

/** max over b ≤ maxBatchSize of b / L(b), times instances: the most requests per second the batcher can sustain. */
export function batchingCapacityPerS(batchService: (batchSize: number) => ServiceTime, maxBatchSize: number, instances = 1): number {
  let best = 0;
  for (let b = 1; b <= Math.max(1, Math.floor(maxBatchSize)); b++) {
    const ms = batchService(b).meanMs;
    if (ms > 0) best = Math.max(best, b / ms);
  }
  return best * MS_PER_S * instances;
}

/*
 * Method (k = 1; Poisson arrivals, one-row requests of one shape, i.i.d. batch times given b):
 * X_n = requests waiting when batch n completes. The next batch takes b = min(X_n, B) (b = 1 after an idle spell,
 * since delay 0 starts a lone request at once) and X_{n+1} = X_n − b + A_b, where A_b counts arrivals during
 * L(b): Poisson(λ L) for deterministic L, negative binomial for gamma L (batching-chain.ts, exact up to a
 * truncation holding < 1e-10 of the mass). Mean latency by Little's law over the renewal cycles (exact); variance
 * and skew by following one request from its arrival (batching-latency.ts: exact for deterministic batch times);
 * p95/p99 from a shifted gamma with those three moments (approximate). k > 1 instances: arrivals split at random,
 * λ/k each (conservative versus one shared queue).
 */
export function batchingQueue(input: BatchingQueueInput, options: BatchingOptions = {}): BatchingAnalysis {
  const solved = solve(input, options);
  const { dynamics, moments, lambdaPerMs, instances } = solved;
  const throughputPerS = lambdaPerMs * MS_PER_S * instances;
  let latency: ClassLatency;
  if (!dynamics.stable) {
    latency = { stable: false, throughputPerS: dynamics.batchRatePerS * dynamics.meanBatchSize };
  } else if (solved.pi === undefined) {
    const single = moments[0] as RawMoments;
    latency = stableLatencyThreeMoments(single.m1, single.m2, single.m3, 0);
  } else {
    const t = batchingLatencyMoments(solved.pi, moments, lambdaPerMs);
    // Little's law gives the exact mean; the arrival-epoch moments give the shape (variance, skew) around it.
    const meanMs = solved.meanLatencyMs;
    const variance = Math.max(0, t.m2 - t.m1 * t.m1);
    const central3 = t.m3 - 3 * t.m1 * t.m2 + 2 * t.m1 ** 3;
    latency = stableLatencyThreeMoments(meanMs, variance + meanMs * meanMs, central3 + 3 * meanMs * variance + meanMs ** 3, throughputPerS);
  }
  return { ...dynamics, classes: [latency] };
}

/** The batcher's dynamics only (batch sizes, batch rate, utilisation, stability). */
export function batchingDynamics(input: BatchingQueueInput, options: BatchingOptions = {}): BatchingDynamics {
  return solve(input, options).dynamics;
}

interface Solved {
  readonly dynamics: BatchingDynamics;
  readonly moments: readonly RawMoments[];
  readonly lambdaPerMs: number;
  readonly instances: number;
  /** Stationary distribution at departures; absent when there is no traffic or the batcher is saturated. */
  readonly pi?: Float64Array;
  readonly meanLatencyMs: number;
}

function solve(input: BatchingQueueInput, options: BatchingOptions): Solved {
  const instances = Math.max(1, Math.floor(input.instances ?? 1));
  const maxBatch = Math.max(1, Math.floor(input.maxBatchSize));
  const services = Array.from({ length: maxBatch }, (_, i) => input.batchService(i + 1));
  const moments = services.map(serviceMoments);
  const capacityPerS = batchingCapacityPerS(input.batchService, maxBatch, instances);
  const lambdaPerMs = input.arrivalRatePerS / instances / MS_PER_S;
  const full = moments[maxBatch - 1] as RawMoments;
  // When backlogged the batcher always takes B rows, so B / L(B) is what it sustains.
  const saturatedPerMs = maxBatch / full.m1;
  const offeredLoad = lambdaPerMs / saturatedPerMs;
  const base = { moments, lambdaPerMs, instances, meanLatencyMs: 0 };
  if (lambdaPerMs <= 0) {
    const dynamics = { stable: true, utilization: 0, offeredLoad: 0, capacityPerS, meanBatchSize: 1, batchSizeProbabilities: onlySize(1, maxBatch), batchRatePerS: 0, backToBackFraction: 0 };
    return { ...base, dynamics };
  }
  if (offeredLoad >= 1) {
    const batchRatePerS = (MS_PER_S * instances) / full.m1;
    const dynamics = { stable: false, utilization: 1, offeredLoad, capacityPerS, meanBatchSize: maxBatch, batchSizeProbabilities: onlySize(maxBatch, maxBatch), batchRatePerS, backToBackFraction: 1 };
    return { ...base, dynamics };
  }
  const maxStates = Math.max(MIN_STATES, options.maxStates ?? DEFAULT_MAX_STATES);
  const pi = batchingChain(
    lambdaPerMs,
    moments.map((m) => m.m1),
    services.map((s) => s.scv),
    maxStates,
  );
  const batchSizeProbabilities = new Array<number>(maxBatch).fill(0);
  let cycleMs = 0;
  let busyMs = 0;
  let presentMs = 0; // ∫ requests present dt over a cycle
  for (let x = 0; x < pi.length; x++) {
    const p = pi[x] as number;
    const b = batchSizeAt(x, maxBatch);
    const waiting = x === 0 ? 0 : x - b;
    batchSizeProbabilities[b - 1] = (batchSizeProbabilities[b - 1] as number) + p;
    const s = moments[b - 1] as RawMoments;
    cycleMs += p * ((x === 0 ? 1 / lambdaPerMs : 0) + s.m1);
    busyMs += p * s.m1;
    presentMs += p * ((b + waiting) * s.m1 + (lambdaPerMs * s.m2) / 2);
  }
  const dynamics: BatchingDynamics = {
    stable: true,
    utilization: Math.min(1, busyMs / cycleMs),
    offeredLoad,
    capacityPerS,
    meanBatchSize: batchSizeProbabilities.reduce((acc, p, i) => acc + p * (i + 1), 0),
    batchSizeProbabilities,
    batchRatePerS: (MS_PER_S * instances) / cycleMs,
    backToBackFraction: 1 - (pi[0] as number),
  };
  return { ...base, dynamics, pi, meanLatencyMs: presentMs / cycleMs / lambdaPerMs };
}

function onlySize(batchSize: number, maxBatch: number): number[] {
  return Array.from({ length: maxBatch }, (_, i) => (i === batchSize - 1 ? 1 : 0));
}
