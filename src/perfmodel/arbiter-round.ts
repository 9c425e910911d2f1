// Round structure of the weighted round-robin arbiter seen by one backlogged model: round length and the others' visits.

import { addIndependent } from './service-distribution.js';
import type { RawMoments } from './types.js';

/** One model as the round model needs it (rates per ms, times in ms). */
export interface RoundClass {
  readonly ratePerMs: number;
  /** ρ = rate × mean service. */
  readonly load: number;
  /** weight × quantumMs. */
  readonly quantumMs: number;
  readonly serviceMs: number;
  /** Longest stretch that is never cut: a whole run, or one graph segment of it (serviceMs / segments). */
  readonly runMs: number;
}

/** How another model uses its turn in a round of length `roundMs`: visited with this probability for this long. */
export interface Visit {
  readonly probability: number;
  readonly lengthMs: number;
}

const MAX_ITERATIONS = 10_000;
const ZERO: RawMoments = { m1: 0, m2: 0, m3: 0 };

/**
 * Work model i does per visit: its quantum, but at least one uncut stretch (a run, or a graph segment of one, is never
 * cut; deficit accounting makes a model whose stretch exceeds its quantum run once every stretch/quantum rounds).
 */
export function visitWorkMs(c: RoundClass): number {
  return Math.max(c.quantumMs, c.runMs);
}

/*
 * Between two visits of a backlogged model i (a cycle of `roundMs`, spanning visitWork_i / q_i quanta), model j
 * takes what arrived, capped by its quanta over the cycle: min(q_j · visitWork_i / q_i, ρ_j C) on average
 * (work-conserving redistribution). It has work with probability 1 − e^(−λ_j C) (1 when saturated) and a visit lasts
 * at least one uncut stretch (a run, or a segment of one); probability × length is kept equal to that average so long-run shares are exact.
 */
export function visitOf(j: RoundClass, roundMs: number, quantaPerCycle: number): Visit {
  const demandMs = j.load * roundMs;
  if (demandMs <= 0) return { probability: 0, lengthMs: 0 };
  const capMs = j.quantumMs * quantaPerCycle;
  const hasWork = demandMs >= capMs ? 1 : -Math.expm1(-j.ratePerMs * roundMs);
  const lengthMs = Math.max(j.runMs, Math.min(capMs, demandMs / hasWork));
  return { probability: Math.min(1, Math.min(capMs, demandMs) / lengthMs), lengthMs };
}

/** The others' visits in one cycle of model `i` of length `roundMs` while i is backlogged. */
export function othersVisits(i: number, classes: readonly RoundClass[], roundMs: number): Visit[] {
  const own = classes[i] as RoundClass;
  const quantaPerCycle = visitWorkMs(own) / own.quantumMs;
  return classes.map((c, j) => (j === i ? { probability: 0, lengthMs: 0 } : visitOf(c, roundMs, quantaPerCycle)));
}

/**
 * Time away from model i per cycle: each visited model's visit plus the switch into it, and one switch back to i
 * when anyone was visited (the visits taken as independent). Its mean is C_i − q_i.
 */
export function absenceMoments(visits: readonly Visit[], switchCostMs: number): RawMoments {
  let total = ZERO;
  let noneVisited = 1;
  for (const v of visits) {
    if (v.probability <= 0) continue;
    total = addIndependent(total, bernoulliConstant(v.probability, v.lengthMs + switchCostMs));
    noneVisited *= 1 - v.probability;
  }
  return addIndependent(total, bernoulliConstant(1 - noneVisited, switchCostMs));
}

/** Least fixed point of C_i = visitWork_i + E[absence(C_i)], by monotone iteration (the map is increasing and bounded). */
export function roundLengthMs(i: number, classes: readonly RoundClass[], switchCostMs: number): number {
  const own = visitWorkMs(classes[i] as RoundClass);
  let c = own;
  for (let iter = 0; iter < MAX_ITERATIONS; iter++) {
    const next = own + absenceMoments(othersVisits(i, classes, c), switchCostMs).m1;
    if (Math.abs(next - c) <= 1e-12 * next) return next;
    c = next;
  }
  return c;
}

/** Moments of a·X with X ~ Bernoulli(p). */
function bernoulliConstant(p: number, a: number): RawMoments {
  return { m1: p * a, m2: p * a * a, m3: p * a * a * a };
}

/**
 * Moments of the sum of N independent copies of V, N taking the two integers around `meanCount` with the mix that
 * gives that mean (the least variable count with that mean). Uses cumulants, which add.
 */
export function compoundLattice(meanCount: number, v: RawMoments): RawMoments {
  const k1 = v.m1;
  const k2 = v.m2 - v.m1 * v.m1;
  const k3 = v.m3 - 3 * v.m1 * v.m2 + 2 * v.m1 ** 3;
  const lo = Math.floor(meanCount);
  const f = meanCount - lo;
  const momentsFor = (n: number): RawMoments => {
    const c1 = n * k1;
    const c2 = n * k2;
    const c3 = n * k3;
    return { m1: c1, m2: c2 + c1 * c1, m3: c3 + 3 * c2 * c1 + c1 ** 3 };
  };
  const a = momentsFor(lo);
  const b = momentsFor(lo + 1);
  return { m1: (1 - f) * a.m1 + f * b.m1, m2: (1 - f) * a.m2 + f * b.m2, m3: (1 - f) * a.m3 + f * b.m3 };
}
