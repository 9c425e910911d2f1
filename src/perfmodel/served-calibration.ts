// Calibrates a profiled model to the live server: per-batch occupancy from a saturation run, and the leftover of an
// idle request's latency as a pure-delay stage. Measurements come from runs separate from any validated load point.

import { ServingError } from '../core/errors.js';
import type { DelayStage } from './delay-stage.js';
import { gammaQuantile } from './gamma-distribution.js';
import type { LatencyCurve } from './types.js';

/** What the calibration runs measured for one model on the live server, alone. */
export interface ServedModelMeasurements {
  /** Client latency of requests sent one at a time (nothing queued): mean (ms) and variance (ms²). */
  readonly idleMeanMs: number;
  readonly idleVarianceMs2: number;
  /**
   * p95 of those idle latencies, ms. When present the delay's variance is the one whose two-moment gamma (with the
   * occupancy's own spread) puts the idle p95 where it was measured, capped by the idle variance: a few hundred idle
   * requests' variance is mostly one to three outliers (a collection pause, a descheduled process) that the
   * percentiles a prediction reports do not see.
   */
  readonly idleP95Ms?: number;
  /** Requests per second completed while the model alone kept the server backlogged (closed loop, saturation). */
  readonly saturationThroughputPerS: number;
  /** Mean rows per batch during the saturation run (1 without batching). */
  readonly saturationBatchRows: number;
  /**
   * Batch-1 occupancy fitted to an open-loop run of the model alone at a moderate load (`fitOccupancyB1Ms`), ms; when
   * present it replaces the saturation run's estimate (the server's effective occupancy under Poisson arrivals).
   */
  readonly occupancyB1Ms?: number;
}

export interface ServedModelCalibration {
  /** Served occupancy of a batch ÷ its profiled session.run latency (1 = the server adds nothing to a run). */
  readonly occupancyScale: number;
  /** Occupancy of a one-row batch, ms. */
  readonly occupancyB1Ms: number;
  /** The idle latency that is not occupancy: mean = idle mean − batch-1 occupancy, variance likewise (both ≥ 0). */
  readonly delay: DelayStage;
  /** True when the idle mean was below the batch-1 occupancy and the delay mean was clamped to 0. */
  readonly delayClamped: boolean;
}

const positive = (v: number): boolean => Number.isFinite(v) && v > 0;

/**
 * Model: the server is one FCFS station whose occupancy per batch is the profiled latency of that batch times
 * occupancyScale = (rows / throughput at saturation) ÷ profiledMs(rows); what else an idle request sees (HTTP,
 * parsing, the reply, the load generator) is a delay that does not queue. `profiledMs(rows)` is the profile's batch
 * latency (its fit or its measured points; fractional rows allowed) and `serviceScv` the spread of one run. A fitted
 * `m.occupancyB1Ms` replaces the saturation estimate: occupancyScale = occupancyB1Ms ÷ profiledMs(1).
 */
export function calibrateServedModel(profiledMs: (rows: number) => number, serviceScv: number, m: ServedModelMeasurements): ServedModelCalibration {
  const ok =
    positive(m.idleMeanMs) &&
    Number.isFinite(m.idleVarianceMs2) &&
    m.idleVarianceMs2 >= 0 &&
    positive(m.saturationThroughputPerS) &&
    Number.isFinite(m.saturationBatchRows) &&
    m.saturationBatchRows >= 1 &&
    Number.isFinite(serviceScv) &&
    serviceScv >= 0 &&
    (m.occupancyB1Ms === undefined || positive(m.occupancyB1Ms)) &&
    (m.idleP95Ms === undefined || positive(m.idleP95Ms));
  if (!ok) throw new ServingError('INVALID_ARGUMENT', `perfmodel: calibration needs positive finite measurements (got ${JSON.stringify(m)}, scv ${serviceScv})`);
  const atRows = profiledMs(m.saturationBatchRows);
  const atOne = profiledMs(1);
  if (!positive(atRows) || !positive(atOne)) throw new ServingError('INVALID_ARGUMENT', `perfmodel: the profile gives ${atOne} ms (1 row), ${atRows} ms (${m.saturationBatchRows} rows)`);
  const occupancyScale = m.occupancyB1Ms === undefined ? (1000 * m.saturationBatchRows) / m.saturationThroughputPerS / atRows : m.occupancyB1Ms / atOne;
  const occupancyB1Ms = occupancyScale * atOne;
  const meanMs = m.idleMeanMs - occupancyB1Ms;
  return {
    occupancyScale,
    occupancyB1Ms,
    delay: { meanMs: Math.max(0, meanMs), varianceMs2: delayVarianceMs2(m, serviceScv * occupancyB1Ms * occupancyB1Ms) },
    delayClamped: meanMs < 0,
  };
}

/** Quantile the delay's spread is matched to when the idle p95 is known. */
const IDLE_QUANTILE = 0.95;

/**
 * The delay's variance: the idle variance less the occupancy's (`serviceVarianceMs2`), or, given the idle p95, the
 * variance in [0, that] at which the gamma of the idle latency (mean idleMeanMs, variance delay + service) has that
 * p95 (bisection; the gamma's p95 rises with its variance over this range). An idle p95 no higher than the occupancy's
 * spread alone gives keeps 0; one higher than the cap gives keeps the cap.
 */
function delayVarianceMs2(m: ServedModelMeasurements, serviceVarianceMs2: number): number {
  const cap = Math.max(0, m.idleVarianceMs2 - serviceVarianceMs2);
  if (m.idleP95Ms === undefined) return cap;
  const mean = m.idleMeanMs;
  const p95 = (v: number): number => gammaQuantile(mean, (v + serviceVarianceMs2) / (mean * mean), IDLE_QUANTILE);
  const target = m.idleP95Ms;
  if (p95(0) >= target) return 0;
  if (p95(cap) <= target) return cap;
  return bisect(0, cap, (v) => p95(v) >= target, (lo, hi) => hi - lo > 1e-6 * Math.max(1, cap));
}

/**
 * Bisection for where a predicate that is false at `lo` and true at `hi` (and rises in between) turns true: the
 * middle of the last bracket, once `wide(lo, hi)` says it is narrow enough.
 */
function bisect(lo: number, hi: number, holds: (x: number) => boolean, wide: (lo: number, hi: number) => boolean): number {
  let a = lo;
  let b = hi;
  while (wide(a, b)) {
    const mid = (a + b) / 2;
    if (holds(mid)) b = mid;
    else a = mid;
  }
  return (a + b) / 2;
}

/** The curve times a factor (fixed and per-item parts; the parallel fraction is unchanged). */
export function scaleLatencyCurve(curve: LatencyCurve, factor: number): LatencyCurve {
  if (!(Number.isFinite(factor) && factor > 0)) throw new ServingError('INVALID_ARGUMENT', `perfmodel: scale factor must be finite and > 0 (got ${factor})`);
  return { fixedMs: curve.fixedMs * factor, perItemMs: curve.perItemMs * factor, serialFraction: curve.serialFraction };
}

export interface OccupancyFit {
  readonly occupancyB1Ms: number;
  /** 'fitted': the prediction meets the measured mean; 'low'/'high': it cannot, and the bound nearest to it is kept. */
  readonly outcome: 'fitted' | 'low' | 'high';
}

/**
 * The batch-1 occupancy at which a model alone, at the rate of an open-loop calibration run, is predicted to have the
 * mean latency that run measured. `predictedMeanMs(o)` is the mode's prediction at occupancy `o` (delay included;
 * null when unstable) and must rise with `o`; bisection over [loMs, hiMs] to a relative width of 1e-4.
 */
export function fitOccupancyB1Ms(measuredMeanMs: number, predictedMeanMs: (occupancyB1Ms: number) => number | null, loMs: number, hiMs: number): OccupancyFit {
  if (!(positive(measuredMeanMs) && positive(loMs) && Number.isFinite(hiMs) && hiMs > loMs)) {
    throw new ServingError('INVALID_ARGUMENT', `perfmodel: occupancy fit needs a positive measured mean and 0 < lo < hi (got ${measuredMeanMs}, [${loMs}, ${hiMs}])`);
  }
  const above = (o: number): boolean => {
    const p = predictedMeanMs(o);
    return p === null || !Number.isFinite(p) || p >= measuredMeanMs;
  };
  if (above(loMs)) return { occupancyB1Ms: loMs, outcome: 'low' };
  if (!above(hiMs)) return { occupancyB1Ms: hiMs, outcome: 'high' };
  return { occupancyB1Ms: bisect(loMs, hiMs, above, (lo, hi) => hi - lo > 1e-4 * lo), outcome: 'fitted' };
}
