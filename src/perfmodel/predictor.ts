// SharingPredictor contract: predicts each co-located model's latency and the executor's load for one way of sharing it.

import type { ClassLatency, LatencyCurve } from './types.js';

/**
 * fcfs: one arrival-order queue for all models' requests (M/G/1 + switch cost).
 * processor-sharing: uncontrolled concurrency, all requests run at once (M/G/1-PS).
 * batching: each model's dynamic batcher, batches run one at a time in arrival order (the live server).
 * arbiter: weighted round robin in quanta of profiled cost (Olympian).
 */
export type SharingMode = 'fcfs' | 'processor-sharing' | 'batching' | 'arbiter';

export const SHARING_MODES: readonly SharingMode[] = ['fcfs', 'processor-sharing', 'batching', 'arbiter'];

/** One model placed on the executor, with its offered load. Requests are one row each. */
export interface ColocatedModel {
  readonly name: string;
  /** Poisson arrival rate, requests per second (over all instances). */
  readonly arrivalRatePerS: number;
  /** Batch latency versus batch size and cores (the profile's `fit`). */
  readonly latency: LatencyCurve;
  /** Squared coefficient of variation of one run's latency, (std / mean)². Default 0 (deterministic runs). */
  readonly serviceScv?: number;
  /** The batcher's largest batch, rows (batching mode). Default 1. */
  readonly maxBatchSize?: number;
  /** Relative share under the arbiter (> 0). Default 1. */
  readonly weight?: number;
  /** Graph segments each run is cut into under the arbiter (the executor may switch models between them). Default 1. */
  readonly segments?: number;
}

export interface ExecutorSpec {
  /** Cores of one executor (fractional: a CPU quota). */
  readonly cores: number;
  /** Cost of moving the executor from one model to another (weights, caches), ms. Default 0. */
  readonly switchCostMs?: number;
  /** Identical executors each hosting every model; arrivals split at random between them. Default 1. */
  readonly instances?: number;
  /** Arbiter quantum of a weight-1 model, ms of profiled cost. Default DEFAULT_QUANTUM_MS. */
  readonly quantumMs?: number;
  /** Processor sharing: total-throughput loss factor (≥ 1) when requests run concurrently. Default 1. */
  readonly concurrencySlowdown?: number;
}

/** Arbiter quantum when the executor spec names none, ms. */
export const DEFAULT_QUANTUM_MS = 5;

/** Per-model result: latency numbers only when `stable` is true (never NaN or Infinity). */
export type ModelPrediction = ClassLatency & { readonly name: string };

export interface SharingPrediction {
  readonly mode: SharingMode;
  /** True when every model is stable. */
  readonly stable: boolean;
  /** Fraction of time one executor is busy, switch overhead included, in [0, 1]. */
  readonly utilization: number;
  /** Demand relative to what the executor can serve (finite; ≥ 1 when overloaded). */
  readonly offeredLoad: number;
  /** In the order of the input models. */
  readonly perModel: readonly ModelPrediction[];
}

export interface SharingPredictor {
  readonly mode: SharingMode;
  /** Throws ServingError INVALID_ARGUMENT for malformed input (negative rates, non-finite numbers, ...). */
  predict(models: readonly ColocatedModel[], executor: ExecutorSpec): SharingPrediction;
}
