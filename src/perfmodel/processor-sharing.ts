// M/G/1 processor sharing (uncontrolled concurrency): every request in the executor runs at once and shares the cores.

import { stableLatency } from './response-time.js';
import { serviceMoments } from './service-distribution.js';
import { MS_PER_S, type QueueAnalysis, type ServiceTime } from './types.js';

export interface PsClass {
  readonly arrivalRatePerS: number;
  /** Service time of one request when it has the executor alone. */
  readonly service: ServiceTime;
}

export interface ProcessorSharingOptions {
  /**
   * Interference when ≥ 2 requests run together (thread oversubscription, cache thrash): total throughput drops by
   * this factor (≥ 1). Default 1 (ideal sharing).
   */
  readonly concurrencySlowdown?: number;
}

/*
 * Rate model (Cohen's generalized processor sharing, a symmetric queue): with n requests present the executor does
 * φ(n) work per ms, split equally; φ(1) = 1, φ(n ≥ 2) = 1/η. The number present is insensitive to the service
 * distribution: π_n = π_0 · ρ (ρη)^(n−1), stable iff ρη < 1, E[N] = π_0 ρ / (1 − ρη)², π_0 = 1 / (1 + ρ / (1 − ρη)),
 * and the mean response of a request of size x is x · E[N]/ρ (linear in x). With η = 1: E[T_i] = E[S_i] / (1 − ρ).
 *
 * Second moment (approximate): the conditional variance of M/M/1-PS (Coffman, Muntz & Trotter 1970),
 *   Var[T | x] = 2ρx / (μ(1−ρ)³) − 2ρ(1 − e^(−μ(1−ρ)x)) / (μ²(1−ρ)⁴),
 * with μ = 1 / E[S] (rate-weighted over classes) and ρ replaced by the load with the same mean slowdown,
 * averaged over a gamma S_i. Exact second moment for exponential service, one class and η = 1.
 */
export function processorSharing(classes: readonly PsClass[], options: ProcessorSharingOptions = {}): QueueAnalysis {
  const slowdown = Math.max(1, options.concurrencySlowdown ?? 1);
  const ratesPerMs = classes.map((c) => c.arrivalRatePerS / MS_PER_S);
  const totalRatePerMs = ratesPerMs.reduce((a, b) => a + b, 0);
  const rho = classes.reduce((acc, c, i) => acc + (ratesPerMs[i] as number) * c.service.meanMs, 0);
  const offeredLoad = rho * slowdown;
  if (offeredLoad >= 1) {
    return {
      stable: false,
      utilization: 1,
      offeredLoad,
      classes: classes.map((c) => ({ stable: false, throughputPerS: c.arrivalRatePerS / offeredLoad })),
    };
  }
  const idle = 1 / (1 + rho / (1 - offeredLoad));
  // Mean response / service: E[N] / ρ = π_0 / (1 − ρη)²; 1 / (1 − ρ) when η = 1.
  const stretch = idle / ((1 - offeredLoad) * (1 - offeredLoad));
  const effectiveLoad = 1 - 1 / stretch;
  const meanServiceMs = totalRatePerMs > 0 ? rho / totalRatePerMs : 0;
  return {
    stable: true,
    utilization: 1 - idle,
    offeredLoad,
    classes: classes.map((c) => {
      const s = serviceMoments(c.service);
      const extraVariance = meanServiceMs > 0 ? meanConditionalVariance(c.service, effectiveLoad, 1 / meanServiceMs) : 0;
      return stableLatency(s.m1 * stretch, s.m2 * stretch * stretch + extraVariance, c.arrivalRatePerS);
    }),
  };
}

/** E over S of the M/M/1-PS conditional sojourn variance Var[T | S] at load rho and service rate mu (per ms). */
function meanConditionalVariance(service: ServiceTime, rho: number, muPerMs: number): number {
  if (rho <= 0) return 0;
  const slack = 1 - rho;
  const decayPerMs = muPerMs * slack;
  // E[e^(−sS)] for a gamma S (shape 1/scv, scale mean·scv); the deterministic limit when scv is 0.
  const laplace =
    service.scv > 1e-12 ? (1 + decayPerMs * service.meanMs * service.scv) ** (-1 / service.scv) : Math.exp(-decayPerMs * service.meanMs);
  const value =
    (2 * rho * service.meanMs) / (muPerMs * slack ** 3) - (2 * rho * (1 - laplace)) / (muPerMs * muPerMs * slack ** 4);
  return Math.max(0, value);
}
