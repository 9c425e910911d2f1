// Builds a ColocatedModel from a model profile (structurally: the profiler's ModelProfile fits) and an arrival rate.

import type { ColocatedModel } from './predictor.js';
import { serviceFromStats } from './service-distribution.js';
import type { LatencyCurve } from './types.js';

/** The parts of the profiler's `ModelProfile` this needs. */
export interface ProfileLike {
  readonly model: string;
  readonly fit: LatencyCurve;
  readonly points: readonly {
    readonly batchSize: number;
    readonly threads: number;
    readonly latency: { readonly meanMs: number; readonly stdMs: number };
  }[];
}

export interface ColocatedModelOptions {
  /** Defaults to the profile's model name. */
  readonly name?: string;
  /** Cores the model will run on: picks the measured point whose spread (scv) is used. Default 1. */
  readonly cores?: number;
  readonly maxBatchSize?: number;
  readonly weight?: number;
}

/** Latency curve from the fit; run-to-run spread (scv) from the batch-1 point measured nearest to `cores` threads. */
export function colocatedFromProfile(profile: ProfileLike, arrivalRatePerS: number, options: ColocatedModelOptions = {}): ColocatedModel {
  const cores = options.cores ?? 1;
  const smallest = Math.min(...profile.points.map((p) => p.batchSize));
  const nearest = profile.points
    .filter((p) => p.batchSize === smallest)
    .reduce<ProfileLike['points'][number] | undefined>(
      (best, p) => (best === undefined || Math.abs(p.threads - cores) < Math.abs(best.threads - cores) ? p : best),
      undefined,
    );
  const scv = nearest === undefined ? 0 : serviceFromStats(nearest.latency).scv;
  return {
    name: options.name ?? profile.model,
    arrivalRatePerS,
    latency: { fixedMs: profile.fit.fixedMs, perItemMs: profile.fit.perItemMs, serialFraction: profile.fit.serialFraction },
    serviceScv: scv,
    ...(options.maxBatchSize === undefined ? {} : { maxBatchSize: options.maxBatchSize }),
    ...(options.weight === undefined ? {} : { weight: options.weight }),
  };
}
