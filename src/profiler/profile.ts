// Profile value types: measured latency of a model version per executor kind, batch size and thread count, plus a fit.

export type ExecutorKind = 'cpu' | 'gpu';

export interface LatencyStats {
  readonly samples: number;
  readonly meanMs: number;
  /** Standard deviation of the per-run latency, ms. */
  readonly stdMs: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
}

/** One cell of the sweep: `batchSize` rows per run on a session with `threads` intra-op threads. */
export interface ProfilePoint {
  readonly batchSize: number;
  readonly threads: number;
  readonly latency: LatencyStats;
  /** Rows per second when runs go back to back. */
  readonly throughputPerS: number;
}

/**
 * latency(b, c) = (fixedMs + perItemMs · b) · (serialFraction + (1 − serialFraction) / c)
 * (a per-run fixed cost and a per-row cost, both sped up over c cores by Amdahl's law).
 */
export interface LatencyFit {
  readonly fixedMs: number;
  readonly perItemMs: number;
  readonly serialFraction: number;
  /** Median and largest |predicted − measured| / measured over the sweep's points. */
  readonly medianRelError: number;
  readonly maxRelError: number;
}

export interface ModelProfile {
  readonly model: string;
  readonly version: string;
  readonly executorKind: ExecutorKind;
  /** ISO time the sweep finished. */
  readonly createdAt: string;
  /** onnxruntime session creation time, ms. */
  readonly loadMs: number;
  /** Worker resident-memory growth from loading the session and running the sweep, bytes. */
  readonly memGrowthBytes: number;
  readonly points: readonly ProfilePoint[];
  readonly fit: LatencyFit;
}

/** Latency the fit predicts for batch `b` on `c` cores, ms. */
export function predictLatencyMs(fit: Pick<LatencyFit, 'fixedMs' | 'perItemMs' | 'serialFraction'>, batchSize: number, cores: number): number {
  const speedup = fit.serialFraction + (1 - fit.serialFraction) / Math.max(1, cores);
  return (fit.fixedMs + fit.perItemMs * batchSize) * speedup;
}
