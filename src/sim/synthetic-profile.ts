// Builds a ModelProfile from a latency formula (no measurement), for tests, scale checks and what-if studies.

import { type ExecutorKind, type ModelProfile, predictLatencyMs } from '../profiler/profile.js';

export interface SyntheticProfileSpec {
  readonly model: string;
  readonly version?: string;
  readonly executorKind?: ExecutorKind;
  /** latency(b, c) = (fixedMs + perItemMs·b)·(serialFraction + (1 − serialFraction)/c), as LatencyFit. */
  readonly fixedMs: number;
  readonly perItemMs?: number;
  /** Default 1 (threads do not help). */
  readonly serialFraction?: number;
  /** Squared coefficient of variation of every point: stdMs = meanMs·√scv. Default 0. */
  readonly scv?: number;
  /** Sweep points to emit; default batch sizes 1, 2, 4, 8, 16, 32 on 1 thread. */
  readonly batchSizes?: readonly number[];
  readonly threads?: readonly number[];
}

export function syntheticProfile(spec: SyntheticProfileSpec): ModelProfile {
  const fit = { fixedMs: spec.fixedMs, perItemMs: spec.perItemMs ?? 0, serialFraction: spec.serialFraction ?? 1, medianRelError: 0, maxRelError: 0 };
  const cv = Math.sqrt(spec.scv ?? 0);
  const points = (spec.threads ?? [1]).flatMap((threads) =>
    (spec.batchSizes ?? [1, 2, 4, 8, 16, 32]).map((batchSize) => {
      const meanMs = predictLatencyMs(fit, batchSize, threads);
      return {
        batchSize,
        threads,
        latency: { samples: 0, meanMs, stdMs: meanMs * cv, p50Ms: meanMs, p95Ms: meanMs, p99Ms: meanMs },
        throughputPerS: (batchSize * 1000) / meanMs,
      };
    }),
  );
  return {
    model: spec.model,
    version: spec.version ?? '1',
    executorKind: spec.executorKind ?? 'cpu',
    createdAt: new Date(0).toISOString(),
    loadMs: 0,
    memGrowthBytes: 0,
    points,
    fit,
  };
}
