// Applies a served-model calibration to a profile for the simulator: every measured point and the fit scaled by the
// occupancy factor, with that factor taken against the measured points (which the simulator draws from).

import { type ServedModelCalibration, type ServedModelMeasurements, calibrateServedModel, scaleLatencyCurve } from '../../src/perfmodel/served-calibration.js';
import { type ModelProfile, predictLatencyMs } from '../../src/profiler/profile.js';

/** Profiled latency of a batch of `rows` rows (fractional allowed): the measured points' means, linear in between; the fit outside them. */
export function pointLatencyMs(profile: ModelProfile, threads: number): (rows: number) => number {
  const points = profile.points.filter((p) => p.threads === threads).sort((a, b) => a.batchSize - b.batchSize);
  return (rows) => {
    const exact = points.find((p) => p.batchSize === rows);
    if (exact !== undefined) return exact.latency.meanMs;
    const hi = points.findIndex((p) => p.batchSize > rows);
    const below = hi > 0 ? points[hi - 1] : undefined;
    const above = hi >= 0 ? points[hi] : undefined;
    if (below === undefined || above === undefined) return predictLatencyMs(profile.fit, rows, threads);
    const t = (rows - below.batchSize) / (above.batchSize - below.batchSize);
    return below.latency.meanMs + t * (above.latency.meanMs - below.latency.meanMs);
  };
}

export interface CalibratedProfile {
  readonly profile: ModelProfile;
  readonly calibration: ServedModelCalibration;
}

/** Batch-1 run spread (scv) at `threads`, 0 when unmeasured. */
export function batch1Scv(profile: ModelProfile, threads: number): number {
  const p = profile.points.find((q) => q.batchSize === 1 && q.threads === threads);
  return p === undefined || !(p.latency.meanMs > 0) ? 0 : (p.latency.stdMs / p.latency.meanMs) ** 2;
}

export function calibratedProfile(profile: ModelProfile, threads: number, m: ServedModelMeasurements): CalibratedProfile {
  const calibration = calibrateServedModel(pointLatencyMs(profile, threads), batch1Scv(profile, threads), m);
  const k = calibration.occupancyScale;
  return {
    calibration,
    profile: {
      ...profile,
      fit: { ...profile.fit, ...scaleLatencyCurve(profile.fit, k) },
      points: profile.points.map((p) => ({
        ...p,
        latency: { ...p.latency, meanMs: p.latency.meanMs * k, stdMs: p.latency.stdMs * k, p50Ms: p.latency.p50Ms * k, p95Ms: p.latency.p95Ms * k, p99Ms: p.latency.p99Ms * k },
      })),
    },
  };
}
