// Turns a response time's first two moments into a class result: mean plus p95/p99 from a gamma with those moments.

import { gammaQuantile, gammaQuantileUnitScale, normalQuantile } from './gamma-distribution.js';
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

/**
 * p-quantile from three raw moments, read off a shifted gamma (shift + gamma) with the same mean, variance and
 * skewness: shape 4/γ², scale σγ/2, shift μ − 2σ/γ. Captures a response time bounded away from zero (e.g. never
 * below one batch's latency). Falls back to the two-moment gamma when the fitted shift would be negative, and to the
 * normal when the skew is negligible.
 */
export function shiftedGammaQuantileMs(meanMs: number, secondMs2: number, thirdMs3: number, p: number): number {
  const variance = secondMs2 - meanMs * meanMs;
  if (!(variance > 0) || meanMs <= 0) return Math.max(0, meanMs);
  const sigma = Math.sqrt(variance);
  const central3 = thirdMs3 - 3 * meanMs * secondMs2 + 2 * meanMs ** 3;
  const skew = central3 / sigma ** 3;
  const twoMoment = gammaQuantile(meanMs, variance / (meanMs * meanMs), p);
  if (!Number.isFinite(skew)) return twoMoment;
  if (skew <= 1e-6) return Math.max(0, meanMs + sigma * normalQuantile(p));
  const shift = meanMs - (2 * sigma) / skew;
  if (shift < 0) return twoMoment;
  return shift + ((sigma * skew) / 2) * gammaQuantileUnitScale(4 / (skew * skew), p);
}

/** A stable class's result from E[T], E[T²] and E[T³], with percentiles from the shifted gamma. */
export function stableLatencyThreeMoments(meanMs: number, secondMs2: number, thirdMs3: number, throughputPerS: number): StableClassLatency {
  const base = stableLatency(meanMs, secondMs2, throughputPerS);
  return {
    ...base,
    p95Ms: shiftedGammaQuantileMs(meanMs, secondMs2, thirdMs3, 0.95),
    p99Ms: shiftedGammaQuantileMs(meanMs, secondMs2, thirdMs3, 0.99),
  };
}
