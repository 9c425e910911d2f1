// What a simulation run reports: per-model latency, throughput, SLO attainment and batch sizes; per-executor utilisation.

import type { ExecutorKind } from '../profiler/profile.js';

export interface SimLatencySummary {
  /** Exact mean. */
  readonly meanMs: number;
  /** Percentiles from a log histogram with 1 %-wide buckets: within 0.5 % of the exact nearest-rank value. */
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** Counts cover requests that arrived in the measured window [warmupMs, end of arrivals). */
export interface SimModelResult {
  readonly model: string;
  readonly arrived: number;
  readonly completed: number;
  /** Refused at arrival because the model's queue held maxQueueLength requests (the live server's 429). */
  readonly rejected: number;
  /** Still queued or running when the run stopped (arrivals end + drainMs). */
  readonly dropped: number;
  /** 'edf' executors: refused at arrival by admission control (predicted to miss its deadline; the live 429). */
  readonly refused?: number;
  /** 'edf' executors: dropped from the queue once they could no longer meet their deadline (the live 504). */
  readonly expired?: number;
  /** Arrivals per second of the measured window. */
  readonly offeredPerS: number;
  /** Completions per second of the measured window. */
  readonly throughputPerS: number;
  /** Arrival to completion (time in the batcher, in the executor's queue, and running). */
  readonly latency: SimLatencySummary;
  /** Mean time from arrival until the batcher handed the request to an instance, ms. */
  readonly meanQueueMs: number;
  /** Requests (of those with an SLO) that completed within it, over all of them including rejected and dropped; absent when none had an SLO. */
  readonly sloAttainment?: number;
  /** Batches dispatched in the measured window. */
  readonly batches: number;
  readonly meanBatchRows: number;
  /** Batches by size in rows: batchRows[rows] = count. */
  readonly batchRows: Readonly<Record<string, number>>;
}

export interface SimExecutorResult {
  readonly id: string;
  readonly kind: ExecutorKind;
  /** Busy time (running batches, switch costs included) inside the measured window over the window's length. */
  readonly utilisation: number;
  /** Batches that started in the measured window ('wfq' executors: units, i.e. graph segments, that started). */
  readonly batches: number;
  /** Of those, the ones that paid the switch cost (the previous one was another model's). */
  readonly switches: number;
}

export interface SimResult {
  readonly seed: number;
  readonly warmupMs: number;
  /** End of arrivals: durationMs, or the time the maxRequests-th request arrived. */
  readonly arrivalsEndMs: number;
  /** Length of the measured window [warmupMs, arrivalsEndMs], ms. */
  readonly measuredMs: number;
  /** Simulated time when the run stopped (queues drained, or arrivalsEndMs + drainMs). */
  readonly endedAtMs: number;
  /** Requests generated in the whole run, warm-up included. */
  readonly requests: number;
  readonly events: number;
  readonly models: readonly SimModelResult[];
  readonly executors: readonly SimExecutorResult[];
}
