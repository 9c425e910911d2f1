// Decides when a sweep cell has enough samples: a floor of repetitions, then until the median is known to a target
// precision (95% confidence interval from order statistics) or the cell's repetition or time budget is spent.

/** How many runs a cell gets; every field has a unit and a default (REPETITION_DEFAULTS). */
export interface RepetitionOptions {
  /** Runs before measuring in a freshly loaded session (first cell), discarded. */
  readonly warmupRuns: number;
  /** Runs before measuring each later cell of the same session (only the new shape is cold), discarded. */
  readonly cellWarmupRuns: number;
  /** Measured runs every cell gets, whatever the budget. */
  readonly minReps: number;
  /** Most measured runs of one cell. */
  readonly maxReps: number;
  /** Wall-time budget of one cell including warm-up, ms; reached after minReps, the cell stops unconverged. */
  readonly maxCellMs: number;
  /** Target half-width of the median's 95% confidence interval, as a fraction of the median. */
  readonly targetRelHalfWidth: number;
}

export const REPETITION_DEFAULTS: RepetitionOptions = {
  warmupRuns: 2,
  cellWarmupRuns: 1,
  minReps: 5,
  maxReps: 200,
  maxCellMs: 2000,
  targetRelHalfWidth: 0.05,
};

export type RepetitionDecision =
  | { readonly done: false }
  | { readonly done: true; readonly converged: boolean; readonly reason: 'converged' | 'max-reps' | 'budget' };

/** Two-sided 95% level: each tail may hold at most this much probability. */
const TAIL_PROBABILITY = 0.025;
const Z_95 = 1.959964;
/** Above this many samples the binomial is replaced by its normal approximation (2^-n underflows past ~1000). */
const EXACT_BINOMIAL_MAX_N = 500;

/**
 * 1-based ranks [lower, upper] of the order statistics bracketing the median with at least 95% confidence,
 * or undefined when `n` samples are too few for any such interval (n < 6).
 */
export function medianCiRanks(n: number): { readonly lower: number; readonly upper: number } | undefined {
  let k: number;
  if (n <= EXACT_BINOMIAL_MAX_N) {
    // Largest k with P(Bin(n, 1/2) ≤ k − 1) ≤ 2.5%: then P(x_(k) ≤ median ≤ x_(n−k+1)) ≥ 95%.
    let pmf = 0.5 ** n;
    let cdf = 0;
    k = 0;
    for (let j = 0; j < n; j++) {
      cdf += pmf;
      if (cdf > TAIL_PROBABILITY) break;
      k = j + 1;
      pmf = (pmf * (n - j)) / (j + 1);
    }
  } else {
    k = Math.floor(n / 2 - (Z_95 * Math.sqrt(n)) / 2);
  }
  if (k < 1) return undefined;
  return { lower: k, upper: n - k + 1 };
}

/** Half-width of the median's 95% confidence interval relative to the median, or undefined with too few samples. */
export function medianRelHalfWidth(samplesMs: readonly number[]): number | undefined {
  const ranks = medianCiRanks(samplesMs.length);
  if (ranks === undefined) return undefined;
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const n = sorted.length;
  const median = n % 2 === 1 ? (sorted[(n - 1) / 2] as number) : ((sorted[n / 2 - 1] as number) + (sorted[n / 2] as number)) / 2;
  const halfWidth = ((sorted[ranks.upper - 1] as number) - (sorted[ranks.lower - 1] as number)) / 2;
  if (median <= 0) return halfWidth === 0 ? 0 : Number.POSITIVE_INFINITY;
  return halfWidth / median;
}

/** Whether a cell with these measured samples, `elapsedMs` into its budget, should stop. */
export function decideRepetition(samplesMs: readonly number[], elapsedMs: number, options: RepetitionOptions): RepetitionDecision {
  const n = samplesMs.length;
  if (n < options.minReps) return { done: false };
  const rel = medianRelHalfWidth(samplesMs);
  if (rel !== undefined && rel <= options.targetRelHalfWidth) return { done: true, converged: true, reason: 'converged' };
  if (n >= options.maxReps) return { done: true, converged: false, reason: 'max-reps' };
  if (elapsedMs >= options.maxCellMs) return { done: true, converged: false, reason: 'budget' };
  return { done: false };
}
