// Measures one sweep cell: warm-up runs, then timed runs of one batch until the repetition policy says stop.

import { ServingError } from '../core/errors.js';
import type { Tensor } from '../core/tensor.js';
import type { Executor } from '../executor/executor.js';
import { latencyStats, percentile } from './latency-stats.js';
import type { LatencyStats } from './profile.js';
import { type RepetitionOptions, decideRepetition } from './repetition-policy.js';

export interface CellResult {
  /** Statistics of the time inside session.run, as the executor measured it. */
  readonly latency: LatencyStats;
  readonly converged: boolean;
  /** Median round trip seen from here (compute, protocol, copies), ms: what the next cell's cost is guessed from. */
  readonly roundTripP50Ms: number;
  /** Median of round trip minus compute, ms. */
  readonly overheadP50Ms: number;
}

export interface CellPlan {
  readonly warmupRuns: number;
  /** This cell's wall-time budget, ms (may be less than the policy's maxCellMs when the model's budget runs low). */
  readonly budgetMs: number;
  readonly policy: RepetitionOptions;
  readonly signal?: AbortSignal;
}

const NS_PER_MS = 1e6;

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw new ServingError('CANCELLED', 'profiling was cancelled');
}

export async function measureCell(executor: Executor, key: string, inputs: readonly Tensor[], plan: CellPlan): Promise<CellResult> {
  const startMs = performance.now();
  for (let i = 0; i < plan.warmupRuns; i++) {
    throwIfCancelled(plan.signal);
    await executor.run(key, inputs, []);
  }
  const computeMs: number[] = [];
  const overheadMs: number[] = [];
  const roundTripMs: number[] = [];
  const policy = { ...plan.policy, maxCellMs: plan.budgetMs };
  for (;;) {
    throwIfCancelled(plan.signal);
    const t0 = performance.now();
    const result = await executor.run(key, inputs, []);
    const rt = performance.now() - t0;
    const compute = result.computeNs / NS_PER_MS;
    computeMs.push(compute);
    roundTripMs.push(rt);
    overheadMs.push(Math.max(0, rt - compute));
    const decision = decideRepetition(computeMs, performance.now() - startMs, policy);
    if (decision.done) {
      const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
      return {
        latency: latencyStats(computeMs),
        converged: decision.converged,
        roundTripP50Ms: percentile(sorted(roundTripMs), 0.5),
        overheadP50Ms: percentile(sorted(overheadMs), 0.5),
      };
    }
  }
}
