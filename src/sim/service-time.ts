// Service-time samplers built from a measured profile: mean from the fit or a measured point, spread from the measured std.

import { ServingError } from '../core/errors.js';
import { type ModelProfile, type ProfilePoint, predictLatencyMs } from '../profiler/profile.js';
import { type UniformSource, gammaMeanScv, lognormalMeanScv } from './random-variates.js';

export type ServiceDistribution = 'deterministic' | 'exponential' | 'gamma' | 'lognormal';

export interface ServiceTimeOptions {
  /** 'points' (default): the measured mean for (batch, threads) when the sweep has it, else the fit; 'fit': always the fit. */
  readonly meanFrom?: 'points' | 'fit';
  /** Shape of the spread around the mean; default 'gamma'. 'exponential' forces scv 1, 'deterministic' scv 0. */
  readonly distribution?: ServiceDistribution;
  /** Squared coefficient of variation (std/mean)²; default: measured at the sweep point nearest (batch, threads). */
  readonly scv?: number;
}

export const SERVICE_DISTRIBUTIONS: readonly ServiceDistribution[] = ['deterministic', 'exponential', 'gamma', 'lognormal'];

/** Samples how long one batch of `rows` rows takes on a session with `threads` intra-op threads, ms. */
export class ServiceTimeSampler {
  private readonly means: number[] = [];
  private readonly scvs: number[] = [];
  private readonly distribution: ServiceDistribution;

  constructor(
    private readonly profile: ModelProfile,
    private readonly threads: number,
    private readonly options: ServiceTimeOptions = {},
  ) {
    this.distribution = options.distribution ?? 'gamma';
  }

  meanMs(rows: number): number {
    const cached = this.means[rows];
    if (cached !== undefined) return cached;
    const point = this.options.meanFrom === 'fit' ? undefined : this.profile.points.find((p) => p.batchSize === rows && p.threads === this.threads);
    const mean = point?.latency.meanMs ?? predictLatencyMs(this.profile.fit, rows, this.threads);
    if (!(mean > 0) || !Number.isFinite(mean)) {
      throw new ServingError(
        'INVALID_ARGUMENT',
        `profile of '${this.profile.model}' (${this.profile.executorKind}) gives service time ${mean} ms for batch ${rows} on ${this.threads} thread(s)`,
      );
    }
    this.means[rows] = mean;
    return mean;
  }

  /** Squared coefficient of variation used for batches of `rows` rows. */
  scv(rows: number): number {
    if (this.distribution === 'deterministic') return 0;
    if (this.distribution === 'exponential') return 1;
    if (this.options.scv !== undefined) return this.options.scv;
    const cached = this.scvs[rows];
    if (cached !== undefined) return cached;
    const p = nearestPoint(this.profile.points, rows, this.threads);
    const scv = p === undefined || !(p.latency.meanMs > 0) ? 0 : (p.latency.stdMs / p.latency.meanMs) ** 2;
    this.scvs[rows] = scv;
    return scv;
  }

  sampleMs(rows: number, rng: UniformSource): number {
    const mean = this.meanMs(rows);
    const scv = this.scv(rows);
    if (scv <= 0) return mean;
    return this.distribution === 'lognormal' ? lognormalMeanScv(rng, mean, scv) : gammaMeanScv(rng, mean, scv);
  }
}

/** The sweep point closest in threads, then in batch size (relative distance, so 1 vs 2 counts like 32 vs 64). */
function nearestPoint(points: readonly ProfilePoint[], rows: number, threads: number): ProfilePoint | undefined {
  let best: ProfilePoint | undefined;
  let bestKey = Infinity;
  for (const p of points) {
    const key = Math.abs(Math.log(p.threads / threads)) * 1e6 + Math.abs(Math.log(p.batchSize / rows));
    if (key < bestKey) {
      bestKey = key;
      best = p;
    }
  }
  return best;
}
