// Shared value types of the performance models: latency curves, service-time descriptions and per-class results.

/**
 * Batch latency as a function of batch size and cores — the same shape as the profiler's `LatencyFit`
 * (structural, so perfmodel does not depend on the profiler layer above it):
 * latency(b, c) = (fixedMs + perItemMs · b) · (serialFraction + (1 − serialFraction) / c).
 */
export interface LatencyCurve {
  readonly fixedMs: number;
  readonly perItemMs: number;
  readonly serialFraction: number;
}

/** A service-time distribution described by two moments: mean and squared coefficient of variation (variance / mean²). */
export interface ServiceTime {
  readonly meanMs: number;
  readonly scv: number;
}

/** First three raw moments of a time: E[X] (ms), E[X²] (ms²), E[X³] (ms³). */
export interface RawMoments {
  readonly m1: number;
  readonly m2: number;
  readonly m3: number;
}

/** Latency of one class (model) in a stable system. Percentiles come from a two-moment gamma fit (see response-time.ts). */
export interface StableClassLatency {
  readonly stable: true;
  readonly meanMs: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  /** Squared coefficient of variation of the response time; with `meanMs` it gives any percentile via `responseQuantileMs`. */
  readonly responseScv: number;
  /** Requests completed per second (equals the arrival rate when stable). */
  readonly throughputPerS: number;
}

/** A class whose queue grows without bound: no latency numbers, only what the executor still completes. */
export interface UnstableClassLatency {
  readonly stable: false;
  /** Requests completed per second once saturated (an estimate, finite). */
  readonly throughputPerS: number;
}

export type ClassLatency = StableClassLatency | UnstableClassLatency;

/** Result of one queueing model: per-class latencies in input order plus executor-level load. */
export interface QueueAnalysis {
  /** True when every class is stable. */
  readonly stable: boolean;
  /** Fraction of time the executor is busy (switch overhead included), in [0, 1]. */
  readonly utilization: number;
  /** Work demanded per unit of executor time (finite; ≥ 1 means the demand exceeds what the executor can serve). */
  readonly offeredLoad: number;
  readonly classes: readonly ClassLatency[];
}

export const MS_PER_S = 1000;
