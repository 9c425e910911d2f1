// Several models, each with its own dynamic batcher, whose batches share one executor in arrival order (the live server today).

import { type BatchingDynamics, batchingDynamics, batchingQueue } from './batching.js';
import { saturatedCycleMs } from './batching-cycle.js';
import { serviceMoments } from './service-distribution.js';
import { type ClassLatency, MS_PER_S, type QueueAnalysis, type ServiceTime } from './types.js';

export interface SharedBatchingClass {
  readonly arrivalRatePerS: number;
  readonly maxBatchSize: number;
  readonly batchService: (batchSize: number) => ServiceTime;
}

export interface SharedBatchingOptions {
  /** Paid before a batch whose model differs from the previous batch's, ms. Default 0. */
  readonly switchCostMs?: number;
  /** Identical executors, each hosting every model; arrivals split at random. Default 1. */
  readonly instances?: number;
}

const MAX_ITERATIONS = 300;
const TOLERANCE_MS = 1e-6;
/** Damping of the fixed point: the extra delay moves this fraction of the way to its new value each round. */
const DAMPING = 0.7;

/** One model's state in the fixed point (per executor; rates per ms). */
interface ModelState {
  readonly dynamics: BatchingDynamics;
  readonly batchRatePerMs: number;
  /** Raw moments of the model's own batch time (no interference), per batch. */
  readonly ownMs: number;
  readonly ownSecondMs2: number;
  readonly ownThirdMs3: number;
}

/** Mean and second moment of a time, ms and ms². */
interface TwoMoments {
  readonly m1: number;
  readonly m2: number;
}

const NONE: TwoMoments = { m1: 0, m2: 0 };
const plus = (a: TwoMoments, b: TwoMoments): TwoMoments => ({ m1: a.m1 + b.m1, m2: a.m2 + 2 * a.m1 * b.m1 + b.m2 });
const withProbability = (p: number, a: TwoMoments): TwoMoments => ({ m1: p * a.m1, m2: p * a.m2 });

/*
 * Fixed point (an approximation; exact with one model). Model i is the single-model batching chain with its batch
 * time stretched by W_i, what its dispatched batch waits at the worker (plus its switch), taken independent from
 * batch to batch with its own mean and variance. With r_j batches per ms of mean L_j, u_j = r_j L_j runs,
 * s_j = r_j σ_j δ switches, f_j = min(1, r_j (L_j + E[W_j])) has a batch at the worker and w_j = f_j − u_j − s_j waits.
 * A batch of i dispatched back to back (fraction β_i, from i's chain) queues behind every model j that was waiting
 * when i's batch ended — probability g_ij = w_j / Σ_{k≠j}(u_k + s_k), as j waits while the others run — each running
 * a full batch F_j = L_j + δ first. A batch dispatched after i was idle finds each j running (u_j: the residual
 * R_j, E[R] = E[L²]/2E[L]), waiting (w_j: F_j) or absent:
 *   W_i = δ·Bern(σ_i) + { Σ_j Bern(g_ij) F_j  w.p. β_i;  Σ_j [R_j w.p. u_j, F_j w.p. w_j]  w.p. 1 − β_i },
 *   σ_i = β_i (1 − Π_j (1 − g_ij)) + (1 − β_i)(1 − r_i / Σ r)   (chance the previous batch was another model's).
 * Iterated with damping until E[W] stops moving. Stability comes from batching-cycle.ts (full batches), not from
 * the fixed point's load, which can read slightly above 1 near saturation (utilisation is reported capped at 1).
 */
export function sharedBatching(classes: readonly SharedBatchingClass[], options: SharedBatchingOptions = {}): QueueAnalysis {
  const instances = Math.max(1, Math.floor(options.instances ?? 1));
  const switchCostMs = classes.length > 1 ? (options.switchCostMs ?? 0) : 0;
  let waits: TwoMoments[] = classes.map(() => NONE);
  const switchProbability = classes.map(() => 0);
  let states: ModelState[] = [];
  for (let iter = 0; iter < MAX_ITERATIONS; iter++) {
    // A model whose own chain saturates keeps one full batch in flight; the others still get their turns.
    states = classes.map((c, i) => analyse(c, instances, waits[i] as TwoMoments));
    const totalBatchRate = states.reduce((acc, s) => acc + s.batchRatePerMs, 0);
    const running = states.map((s, j) => s.batchRatePerMs * (s.ownMs + (switchProbability[j] as number) * switchCostMs));
    const atWorker = states.map((s, j) => Math.min(1, s.batchRatePerMs * (s.ownMs + (waits[j] as TwoMoments).m1)));
    const waiting = atWorker.map((f, j) => Math.max(0, f - (running[j] as number)));
    const totalRunning = running.reduce((a, b) => a + b, 0);
    const next = states.map((si, i) => {
      const backToBack = si.dynamics.backToBackFraction;
      let queuedBehind = NONE;
      let afterIdle = NONE;
      let noneWaiting = 1;
      states.forEach((sj, j) => {
        if (j === i || sj.ownMs <= 0) return;
        const othersRunning = totalRunning - (running[j] as number);
        const waitingAtEnd = othersRunning > 0 ? Math.min(1, (waiting[j] as number) / othersRunning) : 0;
        noneWaiting *= 1 - waitingAtEnd;
        const full = plus({ m1: sj.ownMs, m2: sj.ownSecondMs2 }, { m1: switchCostMs, m2: switchCostMs * switchCostMs });
        const residual = { m1: sj.ownSecondMs2 / (2 * sj.ownMs), m2: sj.ownThirdMs3 / (3 * sj.ownMs) };
        const runningFraction = Math.min(1, sj.batchRatePerMs * sj.ownMs);
        queuedBehind = plus(queuedBehind, withProbability(waitingAtEnd, full));
        const seen = withProbability(runningFraction, residual);
        const queued = withProbability(Math.min(waiting[j] as number, 1 - runningFraction), full);
        afterIdle = plus(afterIdle, { m1: seen.m1 + queued.m1, m2: seen.m2 + queued.m2 });
      });
      const share = totalBatchRate > 0 ? si.batchRatePerMs / totalBatchRate : 1;
      const sigma = backToBack * (1 - noneWaiting) + (1 - backToBack) * (1 - share);
      switchProbability[i] = sigma;
      const ahead = { m1: backToBack * queuedBehind.m1 + (1 - backToBack) * afterIdle.m1, m2: backToBack * queuedBehind.m2 + (1 - backToBack) * afterIdle.m2 };
      return plus(ahead, withProbability(sigma, { m1: switchCostMs, m2: switchCostMs * switchCostMs }));
    });
    let moved = 0;
    waits = waits.map((w, i) => {
      const target = next[i] as TwoMoments;
      moved = Math.max(moved, Math.abs(target.m1 - w.m1));
      return { m1: w.m1 + DAMPING * (target.m1 - w.m1), m2: w.m2 + DAMPING * (target.m2 - w.m2) };
    });
    if (moved < TOLERANCE_MS) break;
  }
  const load = states.reduce((acc, s, j) => acc + s.batchRatePerMs * (s.ownMs + (switchProbability[j] as number) * switchCostMs), 0);
  // Stability from the saturation cycle (batches grow with load, so a busy executor alone does not mean overload).
  const cycleModels = classes.map((c) => ({ ...c, ratePerMs: c.arrivalRatePerS / instances / MS_PER_S }));
  const results: ClassLatency[] = classes.map((c, i) => {
    const s = states[i] as ModelState;
    const cycleMs = saturatedCycleMs(i, cycleModels, switchCostMs);
    const keepsUp = (cycleModels[i] as (typeof cycleModels)[number]).ratePerMs * cycleMs < c.maxBatchSize;
    if (!keepsUp || !s.dynamics.stable) {
      const fullBatchesPerS = (c.maxBatchSize / cycleMs) * MS_PER_S * instances;
      return { stable: false, throughputPerS: Math.min(c.arrivalRatePerS, fullBatchesPerS) };
    }
    const final = batchingQueue({ ...c, batchService: stretched(c, waits[i] as TwoMoments), instances });
    return final.classes[0] ?? { stable: false, throughputPerS: 0 };
  });
  const fullBatchLoad = cycleModels.reduce((acc, m) => {
    const b = Math.max(1, Math.floor(m.maxBatchSize));
    return acc + (m.ratePerMs * (m.batchService(b).meanMs + switchCostMs)) / b;
  }, 0);
  const stable = results.every((r) => r.stable);
  return {
    stable,
    utilization: stable ? Math.min(1, load) : 1,
    offeredLoad: fullBatchLoad,
    classes: results,
  };
}

/** The model's batch time plus an independent wait: means and variances add. */
function stretched(c: SharedBatchingClass, wait: TwoMoments): (b: number) => ServiceTime {
  const waitVariance = Math.max(0, wait.m2 - wait.m1 * wait.m1);
  return (b) => {
    const s = c.batchService(b);
    const meanMs = s.meanMs + wait.m1;
    return { meanMs, scv: meanMs > 0 ? (s.scv * s.meanMs * s.meanMs + waitVariance) / (meanMs * meanMs) : 0 };
  };
}

function analyse(c: SharedBatchingClass, instances: number, wait: TwoMoments): ModelState {
  const dynamics = batchingDynamics({ ...c, batchService: stretched(c, wait), instances });
  let ownMs = 0;
  let ownSecondMs2 = 0;
  let ownThirdMs3 = 0;
  dynamics.batchSizeProbabilities.forEach((p, i) => {
    if (p === 0) return;
    const m = serviceMoments(c.batchService(i + 1));
    ownMs += p * m.m1;
    ownSecondMs2 += p * m.m2;
    ownThirdMs3 += p * m.m3;
  });
  return { dynamics, batchRatePerMs: dynamics.batchRatePerS / instances / MS_PER_S, ownMs, ownSecondMs2, ownThirdMs3 };
}
