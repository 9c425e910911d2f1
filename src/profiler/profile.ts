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
  /** Whether the median's 95% confidence interval met the target before the cell's budget ran out. */
  readonly converged?: boolean;
  /** Median of (round trip seen by the caller − time inside session.run): protocol and copy cost per run, ms. */
  readonly overheadP50Ms?: number;
}

/** A cell of the sweep that was not measured, and why (budget, or the error the run gave). */
export interface SkippedCell {
  readonly batchSize: number;
  readonly threads: number;
  readonly reason: string;
}

/** Identity of the model file a profile was measured on, to tell whether the profile still applies. */
export interface ProfileSource {
  readonly sizeBytes: number;
  readonly mtimeMs: number;
  /** SHA-256 of the file's first and last MiB (the whole file when smaller). */
  readonly sampleSha256: string;
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
  /** The model file measured; absent in profiles not measured from a file (synthetic ones). */
  readonly source?: ProfileSource;
  /** Cells of the planned sweep that were not measured. */
  readonly skipped?: readonly SkippedCell[];
  /** Wall time of the whole sweep, ms. */
  readonly sweepMs?: number;
  /** Caveats a reader should know, e.g. "worker memory not measured". */
  readonly notes?: readonly string[];
}

/** Latency the fit predicts for batch `b` on `c` cores, ms. */
export function predictLatencyMs(fit: Pick<LatencyFit, 'fixedMs' | 'perItemMs' | 'serialFraction'>, batchSize: number, cores: number): number {
  const speedup = fit.serialFraction + (1 - fit.serialFraction) / Math.max(1, cores);
  return (fit.fixedMs + fit.perItemMs * batchSize) * speedup;
}
