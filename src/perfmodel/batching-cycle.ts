// Saturation test for batchers sharing one executor: can a model keep up if it always runs full batches?

import type { ServiceTime } from './types.js';

export interface CycleModel {
  readonly ratePerMs: number;
  readonly maxBatchSize: number;
  readonly batchService: (batchSize: number) => ServiceTime;
}

const MAX_ITERATIONS = 10_000;

/*
 * With one batch in flight per model and batches run in dispatch order, a backlogged model i runs one full batch
 * per cycle C_i = L_i(B_i) + Σ_{j≠i} P_j (L_j(b_j) + δ) + δ (1 − Π_{j≠i}(1 − P_j)): each other model j runs one batch of
 * what arrived in the cycle (with probability P_j = min(1, max(1 − e^(−λ_j C), λ_j C / B_j)), of b_j = λ_j C / P_j
 * rows, so that unsaturated models carry all their arrivals), plus the
 * switches. Model i keeps up iff λ_i C_i < B_i. Returns C_i (least fixed point, by monotone iteration).
 */
export function saturatedCycleMs(i: number, models: readonly CycleModel[], switchCostMs: number): number {
  const own = models[i] as CycleModel;
  const fullMs = own.batchService(own.maxBatchSize).meanMs;
  let c = fullMs;
  for (let iter = 0; iter < MAX_ITERATIONS; iter++) {
    let next = fullMs;
    let noneRan = 1;
    models.forEach((m, j) => {
      if (j === i || m.ratePerMs <= 0) return;
      const arriving = m.ratePerMs * c;
      // At least one batch when anything arrived, and enough batches of at most B rows to carry the arrivals.
      const ran = Math.min(1, Math.max(-Math.expm1(-arriving), arriving / m.maxBatchSize));
      const rows = Math.min(m.maxBatchSize, Math.max(1, arriving / ran));
      next += ran * (m.batchService(Math.round(rows)).meanMs + switchCostMs);
      noneRan *= 1 - ran;
    });
    next += switchCostMs * (1 - noneRan);
    if (Math.abs(next - c) <= 1e-12 * next) return next;
    c = next;
  }
  return c;
}
