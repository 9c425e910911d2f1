// Latency moments of the dynamic batcher from its departure-epoch chain, by following one request from its arrival.

import { batchSizeAt } from './batching-chain.js';
import type { RawMoments } from './types.js';

/** Gauss–Legendre nodes on [0, 1]; the integrand (Poisson weights in the elapsed service time) is smooth. */
const QUADRATURE_NODES = 16;
/** States with less stationary mass than this are skipped. */
const NEGLIGIBLE_MASS = 1e-14;
/** Poisson tails beyond this mass are dropped. */
const POISSON_TAIL = 1e-12;
/** Past the mean, a Poisson term this small ends the sum whatever rounding did to the running total. */
const TINY_TERM = 1e-18;

/*
 * A request arriving at a random time (PASTA) finds either an idle executor (its latency is L(1)) or batch n in
 * service, started from state x (b_x rows, base_x left waiting), at elapsed time e. It then finds
 * q = base_x + Poisson(λe) requests ahead, so ⌊q/B⌋ full batches run before its own, and its batch starts after
 * τ = (L − e) + ⌊q/B⌋ L(B). Its batch holds its position q mod B + 1 plus those arriving during τ, capped at B;
 * latency T = τ + L(b). Moments are summed over x (time-weighted by π_x L(b_x)), e (quadrature) and the two
 * Poisson counts, with batch times independent (cumulants add). Exact, up to quadrature, for deterministic batch
 * times; for random ones e runs over [0, E[L²]/E[L]] (so the residual has the right mean), the residual's
 * missing variance is added independently, and the later-arrival count uses E[τ] — approximations.
 */
export function batchingLatencyMoments(pi: Float64Array, moments: readonly RawMoments[], lambdaPerMs: number): RawMoments {
  const maxBatch = moments.length;
  const k1 = moments.map((m) => m.m1);
  const k2 = moments.map((m) => m.m2 - m.m1 * m.m1);
  const k3 = moments.map((m) => m.m3 - 3 * m.m1 * m.m2 + 2 * m.m1 ** 3);
  const full1 = k1[maxBatch - 1] as number;
  const full2 = k2[maxBatch - 1] as number;
  const full3 = k3[maxBatch - 1] as number;
  let cycleMs = 0;
  for (let x = 0; x < pi.length; x++) cycleMs += (pi[x] as number) * ((x === 0 ? 1 / lambdaPerMs : 0) + (k1[batchSizeAt(x, maxBatch) - 1] as number));
  const single = moments[0] as RawMoments;
  const idleWeight = (pi[0] as number) / lambdaPerMs / cycleMs;
  let t1 = idleWeight * single.m1;
  let t2 = idleWeight * single.m2;
  let t3 = idleWeight * single.m3;
  const { nodes, weights } = QUADRATURE;
  const later = new Float64Array(maxBatch + 1);
  for (let x = 0; x < pi.length; x++) {
    const p = pi[x] as number;
    if (p < NEGLIGIBLE_MASS) continue;
    const b = batchSizeAt(x, maxBatch);
    const base = x === 0 ? 0 : x - b;
    const s = moments[b - 1] as RawMoments;
    const spanMs = s.m1 > 0 ? s.m2 / s.m1 : 0;
    // The residual of a random batch time has E[R²] = E[L³] / 3E[L]; a uniform over [0, span] has span² / 3 —
    // the difference joins the variance (zero for deterministic batch times).
    const residualExtraVariance = s.m1 > 0 ? Math.max(0, (s.m3 / s.m1 - spanMs * spanMs) / 3) : 0;
    const busyWeight = (p * s.m1) / cycleMs;
    for (let n = 0; n < nodes.length; n++) {
      const elapsedMs = (nodes[n] as number) * spanMs;
      const residualMs = spanMs - elapsedMs;
      const nodeWeight = busyWeight * (weights[n] as number);
      forEachPoisson(lambdaPerMs * elapsedMs, (j, pj) => {
        const q = base + j;
        const ahead = Math.floor(q / maxBatch);
        const position = q - ahead * maxBatch + 1;
        const c1 = residualMs + ahead * full1;
        const c2 = ahead * full2 + residualExtraVariance;
        const c3 = ahead * full3;
        batchSizeDistribution(lambdaPerMs * c1, position, maxBatch, later);
        for (let size = position; size <= maxBatch; size++) {
          const w = nodeWeight * pj * (later[size] as number);
          if (w === 0) continue;
          const K1 = c1 + (k1[size - 1] as number);
          const K2 = c2 + (k2[size - 1] as number);
          const K3 = c3 + (k3[size - 1] as number);
          t1 += w * K1;
          t2 += w * (K2 + K1 * K1);
          t3 += w * (K3 + 3 * K2 * K1 + K1 * K1 * K1);
        }
      });
    }
  }
  return { m1: t1, m2: t2, m3: t3 };
}

/** out[size] = P(batch has `size` rows) when the request is at `position` and Poisson(mean) more join, capped at B. */
function batchSizeDistribution(mean: number, position: number, maxBatch: number, out: Float64Array): void {
  out.fill(0, position, maxBatch + 1);
  let remaining = 1;
  forEachPoisson(mean, (count, pa) => {
    if (position + count >= maxBatch) return false;
    out[position + count] = pa;
    remaining -= pa;
    return true;
  });
  out[maxBatch] = Math.max(0, remaining);
}

/**
 * Calls fn(k, P(K = k)) for K ~ Poisson(mean), k = 0, 1, … until the remaining tail is negligible or fn returns false.
 * Ratio recurrence in log space, so large means do not underflow.
 */
function forEachPoisson(mean: number, fn: (k: number, p: number) => boolean | void): void {
  if (mean <= 0) {
    fn(0, 1);
    return;
  }
  const logMean = Math.log(mean);
  let logP = -mean;
  let cumulative = 0;
  for (let k = 0; ; k++) {
    const p = Math.exp(logP);
    if (fn(k, p) === false) return;
    cumulative += p;
    if (k >= mean && (cumulative >= 1 - POISSON_TAIL || p < TINY_TERM)) return;
    logP += logMean - Math.log(k + 1);
  }
}

/** Gauss–Legendre nodes and weights on [0, 1] (Newton on the Legendre polynomial). */
function gaussLegendre(n: number): { nodes: Float64Array; weights: Float64Array } {
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    let z = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let derivative = 1;
    for (let iter = 0; iter < 100; iter++) {
      let p1 = 1;
      let p2 = 0;
      for (let j = 1; j <= n; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = ((2 * j - 1) * z * p2 - (j - 1) * p3) / j;
      }
      derivative = (n * (z * p1 - p2)) / (z * z - 1);
      const step = p1 / derivative;
      z -= step;
      if (Math.abs(step) < 1e-15) break;
    }
    const w = 1 / ((1 - z * z) * derivative * derivative);
    nodes[i] = (1 - z) / 2;
    nodes[n - 1 - i] = (1 + z) / 2;
    weights[i] = w;
    weights[n - 1 - i] = w;
  }
  return { nodes, weights };
}

const QUADRATURE = gaussLegendre(QUADRATURE_NODES);
