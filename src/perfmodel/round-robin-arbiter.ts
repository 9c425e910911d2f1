// Weighted round-robin arbiter (Olympian-style): models take turns on the executor in quanta of profiled cost.

import { fcfsSwitch } from './fcfs-switch.js';
import { stableLatency } from './response-time.js';
import { type RoundClass, absenceMoments, compoundLattice, othersVisits, roundLengthMs, visitWorkMs } from './arbiter-round.js';
import { addIndependent, mixMoments, serviceMoments } from './service-distribution.js';
import { MS_PER_S, type ClassLatency, type QueueAnalysis, type RawMoments, type ServiceTime } from './types.js';

export interface ArbiterClass {
  readonly arrivalRatePerS: number;
  readonly service: ServiceTime;
  /** Relative weight (> 0): the model's quantum is weight × quantumMs of profiled cost. */
  readonly weight: number;
  /**
   * Graph segments each run is cut into, of equal cost (≥ 1; default 1): the arbiter may switch models between
   * them, so a visit can end inside a run.
   */
  readonly segments?: number;
}

export interface ArbiterOptions {
  /** Quantum of a weight-1 model, ms of profiled cost. */
  readonly quantumMs: number;
  /** Paid each time the executor moves to another model, ms. Default 0. */
  readonly switchCostMs?: number;
}

export interface ArbiterAnalysis extends QueueAnalysis {
  /** Fraction of the executor each model gets while it is backlogged (the others take only what they need). */
  readonly backloggedShares: readonly number[];
}

/** Shares when every model is backlogged and switching is free: w_i / Σ w. */
export function weightShares(weights: readonly number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => (total > 0 ? w / total : 0));
}

/*
 * Polling-system approximation, per model i (exact for a single model: M/G/1 FCFS). A run is one request; it is
 * never preempted inside one of its k_i graph segments (k_i = 1: not at all), so its uncut stretch is r_i = E[S_i]/k_i;
 * deficit accounting keeps the long-run shares exact. q_i = weight_i × quantumMs; a visit of i does v_i = max(q_i, r_i)
 * of work.
 * 1. Cycle while i is backlogged (arbiter-round.ts): C_i = v_i + E[A_i(C_i)], the absence A_i = Σ_{j≠i} Bern(P_j)(ℓ_j + δ)
 *    + δ·Bern(1 − Π(1 − P_j)): each other model j runs what arrived, up to its quanta over the cycle
 *    (work-conserving redistribution), in visits of ℓ_j ≥ r_j with P_j ℓ_j = min(q_j v_i/q_i, ρ_j C_i).
 *    i's backlogged share s_i = v_i / C_i (= w_i / Σ w when all are backlogged and δ = 0); stable iff ρ_i < s_i.
 * 2. Service with interruptions: E[S_i]/v_i absences per run on average (the two integers around it), each an
 *    independent copy of A_i: T = S + Σ A, so E[T] = E[S] / s_i.
 * 3. Set-up when i's queue turns non-empty: with probability π_i = min(1, ρ_others / (1 − ρ_i)) the executor is in
 *    another model's visit; i waits its residual (uniform over ℓ_j, j picked in proportion to ρ_j) plus a switch δ.
 *    Otherwise, if the last model run was not i (probability 1 − λ_i/Λ), one switch δ. Models queued ahead of i in
 *    the round are not counted.
 * 4. M/G/1 with set-up times for i: W = W_{M/G/1}(T) + Y (decomposition), Y = D for arrivals to an idle class
 *    (probability 1/(1 + λE[D])), else the residual of D. Response = W + T, or for the first request of a class busy
 *    period (it starts a fresh quantum) W + S plus E[S_i]/v_i − 1 absences when that is positive (segmented runs).
 * 5. The models' waits (response − service) are scaled by one factor so that Σ ρ_i E[wait_i] obeys Kleinrock's
 *    conservation law (equal to FCFS with the same switch cost); each model keeps its polling-model scv, and
 *    percentiles come from a gamma fit.
 */
export function roundRobinArbiter(classes: readonly ArbiterClass[], options: ArbiterOptions): ArbiterAnalysis {
  const switchCostMs = options.switchCostMs ?? 0;
  const round: RoundClass[] = classes.map((c) => {
    const ratePerMs = c.arrivalRatePerS / MS_PER_S;
    const runMs = c.service.meanMs / Math.max(1, c.segments ?? 1);
    return { ratePerMs, load: ratePerMs * c.service.meanMs, quantumMs: options.quantumMs * c.weight, serviceMs: c.service.meanMs, runMs };
  });
  const totalRate = round.reduce((acc, c) => acc + c.ratePerMs, 0);
  const rounds = round.map((_, i) => roundLengthMs(i, round, switchCostMs));
  const shares = rounds.map((r, i) => (r > 0 ? visitWorkMs(round[i] as RoundClass) / r : 1));
  const loads = round.map((c) => c.load);
  let switchRatePerMs = 0;
  const polled: (Polled | { readonly stable: false; readonly throughputPerS: number })[] = classes.map((c, i) => {
    const share = shares[i] as number;
    const { ratePerMs: lambda, load } = round[i] as RoundClass;
    const visitMs = visitWorkMs(round[i] as RoundClass);
    if (load >= share) return { stable: false, throughputPerS: (share / c.service.meanMs) * MS_PER_S };
    const visits = othersVisits(i, round, rounds[i] as number);
    const absence = absenceMoments(visits, switchCostMs);
    const s = serviceMoments(c.service);
    const t = absence.m1 > 0 ? addIndependent(s, compoundLattice(s.m1 / visitMs, absence)) : s;
    const residuals = visits.map((v, j) => ({
      weight: j === i ? 0 : Math.min((round[j] as RoundClass).load, shares[j] as number),
      moments: uniformResidual(v.lengthMs),
    }));
    const othersLoad = residuals.reduce((acc, v) => acc + v.weight, 0);
    const busyElsewhere = Math.min(1, othersLoad / (1 - load));
    const lastWasOther = totalRate > 0 ? 1 - lambda / totalRate : 0;
    const setup = mixMoments([
      { weight: busyElsewhere, moments: addIndependent(mixMoments(residuals), constant(switchCostMs)) },
      { weight: (1 - busyElsewhere) * lastWasOther, moments: constant(switchCostMs) },
      { weight: (1 - busyElsewhere) * (1 - lastWasOther), moments: ZERO },
    ]);
    const noneVisited = visits.reduce((acc, v) => acc * (1 - v.probability), 1);
    const tLoad = lambda * t.m1;
    const w0 = (lambda * t.m2) / (2 * (1 - tLoad));
    const w0Second = 2 * w0 * w0 + (lambda * t.m3) / (3 * (1 - tLoad));
    const y = setupDelay(setup, lambda);
    const w = w0 + y.m1;
    const wSecond = w0Second + 2 * w0 * y.m1 + y.m2;
    // An arrival to an idle class starts a fresh quantum: its first visit's worth of work is not interrupted (S, not
    // T; a run longer than a visit, cut into segments, still loses one absence fewer than T counts).
    const firstOfBusyPeriod = (1 - tLoad) / (1 + lambda * setup.m1);
    const firstAbsences = s.m1 / visitMs - 1;
    const first = absence.m1 > 0 && firstAbsences > 0 ? addIndependent(s, compoundLattice(firstAbsences, absence)) : s;
    const own = mixMoments([
      { weight: firstOfBusyPeriod, moments: first },
      { weight: 1 - firstOfBusyPeriod, moments: t },
    ]);
    // Switches: into i once per busy period that follows another model, and back into i after each quantum
    // boundary at which some other model had work.
    switchRatePerMs += lastWasOther * lambda * firstOfBusyPeriod + (load / visitMs) * (1 - noneVisited);
    return { stable: true, serviceMs: s.m1, meanMs: w + own.m1, secondMs2: wSecond + 2 * w * own.m1 + own.m2 };
  });
  const stable = polled.every((r) => r.stable);
  const scale = stable ? conservationScale(classes, loads, polled as readonly Polled[], switchCostMs) : 1;
  const results: ClassLatency[] = polled.map((r, i) => {
    if (!r.stable) return r;
    const c = classes[i] as ArbiterClass;
    const meanMs = r.serviceMs + scale * (r.meanMs - r.serviceMs);
    // The rescaling keeps the polling model's coefficient of variation.
    return stableLatency(meanMs, (r.secondMs2 / (r.meanMs * r.meanMs)) * meanMs * meanMs, c.arrivalRatePerS);
  });
  const offeredLoad = loads.reduce((a, b) => a + b, 0) + switchRatePerMs * switchCostMs;
  return {
    stable,
    utilization: stable ? Math.min(1, offeredLoad) : 1,
    offeredLoad: stable ? offeredLoad : Math.max(1, offeredLoad),
    classes: results,
    backloggedShares: shares,
  };
}

interface Polled {
  readonly stable: true;
  readonly serviceMs: number;
  readonly meanMs: number;
  readonly secondMs2: number;
}

/*
 * Kleinrock's conservation law: for a work-conserving, non-preemptive discipline Σ ρ_i E[W_i] does not depend on the
 * order of service, so it equals FCFS's (here FCFS with the same switch cost). The polling model decides how the
 * waiting divides between models; this factor makes its total match the law.
 */
function conservationScale(classes: readonly ArbiterClass[], loads: readonly number[], polled: readonly Polled[], switchCostMs: number): number {
  const fcfs = fcfsSwitch(classes, { switchCostMs });
  if (!fcfs.stable) return 1;
  let target = 0;
  let current = 0;
  polled.forEach((r, i) => {
    const f = fcfs.classes[i];
    if (f === undefined || !f.stable) return;
    target += (loads[i] as number) * (f.meanMs - r.serviceMs);
    current += (loads[i] as number) * (r.meanMs - r.serviceMs);
  });
  return current > 0 && target > 0 ? target / current : 1;
}

const ZERO: RawMoments = { m1: 0, m2: 0, m3: 0 };

function constant(ms: number): RawMoments {
  return { m1: ms, m2: ms * ms, m3: ms * ms * ms };
}

/** Residual of a visit of constant length: uniform on [0, length]. */
function uniformResidual(lengthMs: number): RawMoments {
  return { m1: lengthMs / 2, m2: (lengthMs * lengthMs) / 3, m3: lengthMs ** 3 / 4 };
}

/** Extra wait Y of M/G/1 with set-up times: D for arrivals to an idle class, the residual of D for arrivals during set-up. */
function setupDelay(d: RawMoments, lambda: number): { m1: number; m2: number } {
  if (d.m1 <= 0) return { m1: 0, m2: 0 };
  const pIdle = 1 / (1 + lambda * d.m1);
  return {
    m1: pIdle * d.m1 + (1 - pIdle) * (d.m2 / (2 * d.m1)),
    m2: pIdle * d.m2 + (1 - pIdle) * (d.m3 / (3 * d.m1)),
  };
}
