// Service-time descriptions {meanMs, scv}: built from measured stats or a latency fit, turned into moments, and mixed.

import { batchLatencyMs } from './cpu-scaling.js';
import type { LatencyCurve, RawMoments, ServiceTime } from './types.js';

/** From measured latency statistics of one run (the profiler's `LatencyStats` fits this shape). */
export function serviceFromStats(stats: { readonly meanMs: number; readonly stdMs: number }): ServiceTime {
  const meanMs = Math.max(0, stats.meanMs);
  return { meanMs, scv: meanMs > 0 ? (stats.stdMs * stats.stdMs) / (meanMs * meanMs) : 0 };
}

/** From a latency fit: mean = latency(batchSize, cores); the fit carries no spread, so the scv is supplied (default 0). */
export function serviceFromFit(curve: LatencyCurve, batchSize: number, cores: number, scv = 0): ServiceTime {
  return { meanMs: batchLatencyMs(curve, batchSize, cores), scv: Math.max(0, scv) };
}

/**
 * Raw moments of a service time. Two moments describe it; the third (needed by Takács' formula for the
 * waiting-time variance) is the gamma distribution's: E[S³] = m³ (1 + scv)(1 + 2·scv) — exact for
 * deterministic (scv 0) and exponential (scv 1) service.
 */
export function serviceMoments(s: ServiceTime): RawMoments {
  const m = s.meanMs;
  return { m1: m, m2: m * m * (1 + s.scv), m3: m * m * m * (1 + s.scv) * (1 + 2 * s.scv) };
}

/** The {meanMs, scv} description of a distribution with these moments (the third moment is dropped). */
export function serviceFromMoments(m: RawMoments): ServiceTime {
  if (m.m1 <= 0) return { meanMs: 0, scv: 0 };
  return { meanMs: m.m1, scv: Math.max(0, m.m2 / (m.m1 * m.m1) - 1) };
}

/** Probability mixture: with probability weight_i / Σweight the time is drawn from part i. Moments mix linearly. */
export function mixMoments(parts: readonly { readonly weight: number; readonly moments: RawMoments }[]): RawMoments {
  const total = parts.reduce((acc, p) => acc + p.weight, 0);
  if (total <= 0) return { m1: 0, m2: 0, m3: 0 };
  let m1 = 0;
  let m2 = 0;
  let m3 = 0;
  for (const p of parts) {
    const w = p.weight / total;
    m1 += w * p.moments.m1;
    m2 += w * p.moments.m2;
    m3 += w * p.moments.m3;
  }
  return { m1, m2, m3 };
}

/**
 * Service time of the next job of a shared FCFS queue fed by independent Poisson streams: class i with probability
 * λ_i / Σλ (the rate-weighted mixture). Mean Σ p_i m_i, second moment Σ p_i E[S_i²].
 */
export function mixServiceTimes(
  parts: readonly { readonly arrivalRatePerS: number; readonly service: ServiceTime }[],
): { readonly service: ServiceTime; readonly moments: RawMoments } {
  const moments = mixMoments(parts.map((p) => ({ weight: p.arrivalRatePerS, moments: serviceMoments(p.service) })));
  return { service: serviceFromMoments(moments), moments };
}

/** Moments of S + d·X where X ~ Bernoulli(probability) is independent of S (a delay d paid with that probability). */
export function addBernoulliDelay(m: RawMoments, delayMs: number, probability: number): RawMoments {
  const d = delayMs;
  const p = probability;
  return {
    m1: m.m1 + p * d,
    m2: m.m2 + p * (2 * d * m.m1 + d * d),
    m3: m.m3 + p * (3 * d * m.m2 + 3 * d * d * m.m1 + d * d * d),
  };
}

/** Moments of X + Y for independent X and Y. */
export function addIndependent(x: RawMoments, y: RawMoments): RawMoments {
  return {
    m1: x.m1 + y.m1,
    m2: x.m2 + 2 * x.m1 * y.m1 + y.m2,
    m3: x.m3 + 3 * x.m2 * y.m1 + 3 * x.m1 * y.m2 + y.m3,
  };
}
