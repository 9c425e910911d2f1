// Turns a response time's first two moments into a class result: mean plus p95/p99 from a gamma with those moments.

import { gammaQuantile } from './gamma-distribution.js';
import type { StableClassLatency } from './types.js';

/**
 * p-quantile of a response time with this mean and scv, read off the gamma distribution with the same two moments.
 * Exact when the response time is exponential (M/M/1 FCFS) or gamma; an approximation otherwise (see docs/perfmodel.md).
 */
export function responseQuantileMs(meanMs: number, scv: number, p: number): number {
  return gammaQuantile(meanMs, scv, p);
}

/** A stable class's result from E[T] (ms) and E[T²] (ms²). */
export function stableLatency(meanMs: number, secondMomentMs2: number, throughputPerS: number): StableClassLatency {
  const variance = Math.max(0, secondMomentMs2 - meanMs * meanMs);
  const responseScv = meanMs > 0 ? variance / (meanMs * meanMs) : 0;
  return {
    stable: true,
    meanMs,
    p95Ms: responseQuantileMs(meanMs, responseScv, 0.95),
    p99Ms: responseQuantileMs(meanMs, responseScv, 0.99),
    responseScv,
    throughputPerS,
  };
}
