// Summary statistics of one sweep cell's latency samples: mean, standard deviation and percentiles.

import type { LatencyStats } from './profile.js';

/** Percentile `q` (0..1) of ascending `sorted` by linear interpolation between closest ranks. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}

/** Statistics of latency samples in ms; every field is NaN (and samples 0) when there are none. */
export function latencyStats(samplesMs: readonly number[]): LatencyStats {
  const n = samplesMs.length;
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const meanMs = n === 0 ? Number.NaN : samplesMs.reduce((s, x) => s + x, 0) / n;
  // Sample (n − 1) standard deviation; a single sample has no spread to estimate.
  const stdMs = n < 2 ? 0 : Math.sqrt(samplesMs.reduce((s, x) => s + (x - meanMs) ** 2, 0) / (n - 1));
  return {
    samples: n,
    meanMs,
    stdMs,
    p50Ms: percentile(sorted, 0.5),
    p95Ms: percentile(sorted, 0.95),
    p99Ms: percentile(sorted, 0.99),
  };
}
