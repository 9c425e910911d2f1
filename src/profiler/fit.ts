// Fits the compact latency model of profile.ts (fixed + per-row cost, Amdahl speed-up over cores) to sweep points by
// least squares on relative error: linear least squares in (fixedMs, perItemMs) for each serialFraction on a grid,
// then a golden-section refinement around the best grid value.

import { type LatencyFit, predictLatencyMs } from './profile.js';

export interface FitPoint {
  readonly batchSize: number;
  readonly cores: number;
  /** Measured latency, ms (> 0). */
  readonly latencyMs: number;
}

const GRID_STEP = 0.01;
const REFINE_ITERATIONS = 40;
const GOLDEN = (Math.sqrt(5) - 1) / 2;

interface Solved {
  readonly fixedMs: number;
  readonly perItemMs: number;
  /** Sum of squared relative errors. */
  readonly sse: number;
}

/**
 * Best (fixedMs, perItemMs) ≥ 0 for one serialFraction. Relative error is linear in the two unknowns:
 * (F·g/y + P·b·g/y) − 1 with g the Amdahl factor, so this is a 2-variable non-negative least-squares problem.
 */
function solveLinear(points: readonly FitPoint[], serialFraction: number): Solved {
  let saa = 0;
  let sad = 0;
  let sdd = 0;
  let sa = 0;
  let sd = 0;
  for (const p of points) {
    const g = serialFraction + (1 - serialFraction) / Math.max(1, p.cores);
    const a = g / p.latencyMs;
    const d = (p.batchSize * g) / p.latencyMs;
    saa += a * a;
    sad += a * d;
    sdd += d * d;
    sa += a;
    sd += d;
  }
  const sse = (f: number, q: number): number =>
    points.reduce((s, p) => s + (predictLatencyMs({ fixedMs: f, perItemMs: q, serialFraction }, p.batchSize, p.cores) / p.latencyMs - 1) ** 2, 0);
  const det = saa * sdd - sad * sad;
  const candidates: Array<[number, number]> = [];
  // Only one batch size: fixed and per-row cost cannot be told apart; charge it all per row (pessimistic for batching).
  const oneBatchSize = new Set(points.map((p) => p.batchSize)).size < 2;
  if (!oneBatchSize && det > 1e-12 * saa * sdd) {
    const f = (sa * sdd - sd * sad) / det;
    const q = (saa * sd - sad * sa) / det;
    if (f >= 0 && q >= 0) candidates.push([f, q]);
  }
  if (candidates.length === 0) {
    candidates.push([0, sd / sdd]);
    if (!oneBatchSize) candidates.push([sa / saa, 0]);
  }
  let best: Solved = { fixedMs: 0, perItemMs: 0, sse: Number.POSITIVE_INFINITY };
  for (const [f, q] of candidates) {
    const e = sse(f, q);
    if (e < best.sse) best = { fixedMs: f, perItemMs: q, sse: e };
  }
  return best;
}

/** Relative errors |predicted − measured| / measured of `fit` at each point, in the points' order. */
export function relativeErrors(fit: Pick<LatencyFit, 'fixedMs' | 'perItemMs' | 'serialFraction'>, points: readonly FitPoint[]): number[] {
  return points.map((p) => Math.abs(predictLatencyMs(fit, p.batchSize, p.cores) / p.latencyMs - 1));
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return Number.NaN;
  return n % 2 === 1 ? (s[(n - 1) / 2] as number) : ((s[n / 2 - 1] as number) + (s[n / 2] as number)) / 2;
}

/**
 * The LatencyFit minimising the squared relative error over `points` (those with latencyMs ≤ 0 are ignored).
 * With a single core count the serial fraction cannot be identified and is set to 1 (no speed-up assumed).
 * No usable points gives an all-zero fit with NaN errors.
 */
export function fitLatency(points: readonly FitPoint[]): LatencyFit {
  const usable = points.filter((p) => p.latencyMs > 0 && Number.isFinite(p.latencyMs));
  if (usable.length === 0) {
    return { fixedMs: 0, perItemMs: 0, serialFraction: 1, medianRelError: Number.NaN, maxRelError: Number.NaN };
  }
  let bestS = 1;
  let best = solveLinear(usable, 1);
  if (new Set(usable.map((p) => Math.max(1, p.cores))).size > 1) {
    // From 1 downwards with strict improvement, so flat stretches resolve toward "threads help less".
    for (let i = 99; i >= 0; i--) {
      const s = i * GRID_STEP;
      const r = solveLinear(usable, s);
      if (r.sse < best.sse) {
        best = r;
        bestS = s;
      }
    }
    let lo = Math.max(0, bestS - GRID_STEP);
    let hi = Math.min(1, bestS + GRID_STEP);
    for (let i = 0; i < REFINE_ITERATIONS; i++) {
      const m1 = hi - GOLDEN * (hi - lo);
      const m2 = lo + GOLDEN * (hi - lo);
      if (solveLinear(usable, m1).sse < solveLinear(usable, m2).sse) hi = m2;
      else lo = m1;
    }
    const s = (lo + hi) / 2;
    const refined = solveLinear(usable, s);
    if (refined.sse < best.sse) {
      best = refined;
      bestS = s;
    }
  }
  const fit = { fixedMs: best.fixedMs, perItemMs: best.perItemMs, serialFraction: bestS };
  const errors = relativeErrors(fit, usable);
  return { ...fit, medianRelError: median(errors), maxRelError: Math.max(...errors) };
}
