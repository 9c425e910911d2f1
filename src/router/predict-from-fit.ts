// Turns a profile's latency fit into the router's `predictBatchMs` for executors with a given number of cores.

// Type only: the router is a pure policy below the profiler in the dependency order, so it must not load profiler code.
import type { LatencyFit } from '../profiler/profile.js';

export type BatchLatencyFit = Pick<LatencyFit, 'fixedMs' | 'perItemMs' | 'serialFraction'>;

/**
 * (batchSize) => (fixedMs + perItemMs · batchSize) · (serialFraction + (1 − serialFraction) / cores) + overheadMs:
 * the formula of predictLatencyMs in src/profiler/profile.ts (a test keeps the two equal), plus an optional
 * per-run overhead (e.g. the profile's protocol and copy cost) that does not speed up with cores.
 */
export function predictFromFit(fit: BatchLatencyFit, cores: number, overheadMs = 0): (batchSize: number) => number {
  const speedup = fit.serialFraction + (1 - fit.serialFraction) / Math.max(1, cores);
  const { fixedMs, perItemMs } = fit;
  return (batchSize) => (fixedMs + perItemMs * batchSize) * speedup + overheadMs;
}
