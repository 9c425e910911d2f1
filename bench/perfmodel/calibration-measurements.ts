// Turns the calibration runs into the perfmodel's per-model measurements (the batch-1 occupancy fitted to the loaded
// run where it kept up), and the occupancy that defines utilisation.

import { batchLatencyMs } from '../../src/perfmodel/cpu-scaling.js';
import { type OccupancyFit, type ServedModelCalibration, type ServedModelMeasurements, calibrateServedModel, fitOccupancyB1Ms } from '../../src/perfmodel/served-calibration.js';
import type { ModelProfile } from '../../src/profiler/profile.js';
import { batch1Scv } from './calibrated-profile.js';
import type { ModelCalibration } from './calibrate-server.js';
import type { OverheadProbe } from './probe-overhead.js';
import { analyticPrediction, fairSetup } from './predictions.js';
import type { ServerMode } from './validation-cases.js';

export function measurementsOf(calibration: readonly ModelCalibration[]): Record<string, ServedModelMeasurements> {
  return Object.fromEntries(
    calibration.map((c) => [
      c.model,
      {
        idleMeanMs: c.idle.clientMeanMs,
        idleVarianceMs2: c.idle.clientVarianceMs2,
        idleP95Ms: c.idle.clientP95Ms,
        saturationThroughputPerS: c.saturation.throughputPerS,
        // A batch holds at least one row; the server's counters can read NaN when nothing ran.
        saturationBatchRows: Number.isFinite(c.saturation.server.meanBatchRows) ? Math.max(1, c.saturation.server.meanBatchRows) : 1,
      },
    ]),
  );
}

/** The calibration of `m` on the analytic model's curve: the profile's fit at `threads` and its batch-1 spread. */
function calibrateOnFit(profile: ModelProfile, threads: number, m: ServedModelMeasurements): ServedModelCalibration {
  return calibrateServedModel((rows) => batchLatencyMs(profile.fit, rows, threads), batch1Scv(profile, threads), m);
}

/** What the occupancy fit needs beyond the calibration runs: the mode's predictor and the profiles it scales. */
export interface FitContext {
  readonly mode: ServerMode;
  readonly profiles: readonly ModelProfile[];
  readonly threads: number;
  /** Fair mode: graph segments per model. */
  readonly segments?: Readonly<Record<string, number>>;
}

/** A model's fitted occupancy, beside the saturation run's estimate it replaced. */
export interface FittedOccupancy extends OccupancyFit {
  readonly saturationOccupancyB1Ms: number;
}

export interface FittedMeasurements {
  readonly measurements: Record<string, ServedModelMeasurements>;
  /** By model; absent where there was no loaded run, or it did not keep up (the saturation estimate stands). */
  readonly fits: Record<string, FittedOccupancy>;
}

/**
 * Each model's measurements with the batch-1 occupancy at which the mode's analytic model of the model alone, at the
 * loaded run's rate, predicts the mean latency that run measured (the delay stage is what the idle latency leaves).
 * The bounds: the saturation run's occupancy below (no open-loop load is served faster than a closed loop that keeps
 * the server backlogged; a loaded run faster than the idle probe, as small models measure, keeps it), and twice the
 * time between the loaded run's arrivals above.
 */
export function fittedMeasurements(calibration: readonly ModelCalibration[], ctx: FitContext): FittedMeasurements {
  const measurements = measurementsOf(calibration);
  const fits: Record<string, FittedOccupancy> = {};
  const fair = fairSetup(ctx.mode, ctx.segments);
  for (const c of calibration) {
    const raw = measurements[c.model];
    const profile = ctx.profiles.find((p) => p.model === c.model);
    const loaded = c.loaded;
    if (raw === undefined || profile === undefined || loaded === undefined || loaded.skipped > 0 || !(loaded.meanMs > 0)) continue;
    const alone = { mode: ctx.mode, models: [c.model], utilisation: 0, ratesPerS: [loaded.ratePerS] };
    const predicted = (occupancyB1Ms: number): number | null => {
      const setup = { profiles: ctx.profiles, threads: ctx.threads, overheadMs: {}, calibration: { [c.model]: { ...raw, occupancyB1Ms } }, ...fair, simRequests: 0, seed: 0 };
      return analyticPrediction(alone, setup).perModel[0]?.meanMs ?? null;
    };
    const saturationB1 = calibrateOnFit(profile, ctx.threads, raw).occupancyB1Ms;
    const fit = fitOccupancyB1Ms(loaded.meanMs, predicted, saturationB1, 2 * Math.max(1000 / loaded.ratePerS, saturationB1));
    fits[c.model] = { ...fit, saturationOccupancyB1Ms: saturationB1 };
    measurements[c.model] = { ...raw, occupancyB1Ms: fit.occupancyB1Ms };
  }
  return { measurements, fits };
}

/** Where a mode's predictions take the batch-1 occupancy from. */
export type OccupancySource = 'worker-busy' | 'loaded-fit';

/**
 * fcfs and fcfs-batching keep two batches in flight per model, so the worker never waits for the front end between
 * batches: what a request holds the one shared station for is the worker's own busy time (its CPU time per request
 * in the saturation run; one intra-op thread, so CPU time is busy time). The loaded fit also charges the station with
 * the latency growth that comes from the front end, the load generator and the worker contending for 2 cores, which
 * grows with the request rate rather than queueing behind the worker (measured: it over-predicted these modes by
 * 30–40% at u=0.6 on a development run). The fair mode keeps one unit in the worker, which then idles for the dispatch round trip between
 * units: that idle time is occupancy too, and the loaded fit is what measures it.
 */
export function occupancySourceOf(mode: ServerMode): OccupancySource {
  return mode === 'fair' ? 'loaded-fit' : 'worker-busy';
}

/**
 * Each model's measurements with the batch-1 occupancy taken from the saturation run's worker CPU time per request: a
 * batch of the saturation run's mean rows holds the worker rows × that time, scaled to one row along the profile.
 */
export function workerBusyMeasurements(calibration: readonly ModelCalibration[], profiles: readonly ModelProfile[], threads: number): Record<string, ServedModelMeasurements> {
  const measurements = measurementsOf(calibration);
  for (const c of calibration) {
    const raw = measurements[c.model];
    const profile = profiles.find((p) => p.model === c.model);
    const perRequestMs = c.saturation.workerCpuMsPerRequest;
    if (raw === undefined || profile === undefined || !(perRequestMs > 0)) continue;
    const rows = raw.saturationBatchRows;
    measurements[c.model] = { ...raw, occupancyB1Ms: ((perRequestMs * rows) / batchLatencyMs(profile.fit, rows, threads)) * batchLatencyMs(profile.fit, 1, threads) };
  }
  return measurements;
}

/** The measurements a mode's predictions use (occupancySourceOf): the loaded fit's, or the worker's busy time. */
export function predictionMeasurements(mode: ServerMode, calibration: readonly ModelCalibration[], fitted: FittedMeasurements, profiles: readonly ModelProfile[], threads: number): Record<string, ServedModelMeasurements> {
  return occupancySourceOf(mode) === 'loaded-fit' ? fitted.measurements : workerBusyMeasurements(calibration, profiles, threads);
}

/** Calibrated occupancy of a one-row batch of `model` as the analytic model sees it (profile fit × scale), ms. */
export function occupancyB1Ms(profiles: readonly ModelProfile[], threads: number, model: string, measurements: Readonly<Record<string, ServedModelMeasurements>>): number {
  const profile = profiles.find((p) => p.model === model);
  const m = measurements[model];
  if (profile === undefined || m === undefined) throw new Error(`no profile or calibration of ${model}`);
  return calibrateOnFit(profile, threads, m).occupancyB1Ms;
}

/** One model's calibration as reported: what was measured and what the analytic model made of it. */
export interface CalibrationSummary {
  readonly model: string;
  readonly profiledB1Ms: number;
  readonly idleMeanMs: number;
  readonly idleStdMs: number;
  readonly idleComputeMs: number;
  readonly saturationPerS: number;
  readonly saturationBatchRows: number;
  readonly saturationComputeMs: number;
  /** The batch-1 occupancy the predictions use, and where it comes from (occupancySourceOf). */
  readonly occupancyB1Ms: number;
  readonly occupancySource: OccupancySource;
  readonly occupancyScale: number;
  /** The loaded fit's batch-1 occupancy (the one that sets the cases' rates), ms. */
  readonly loadedFitOccupancyB1Ms: number;
  /** The loaded run (rate, mean latency) and whether the occupancy was fitted to it; absent in older runs. */
  readonly loadedRatePerS?: number;
  readonly loadedMeanMs?: number;
  readonly occupancyFit?: OccupancyFit['outcome'] | 'saturation (loaded run did not keep up)';
  /** Batch-1 occupancy the saturation run alone gives, ms. */
  readonly saturationOccupancyB1Ms: number;
  readonly delayMeanMs: number;
  readonly delayStdMs: number;
  readonly frontEndCpuMsPerRequest: number;
  readonly workerCpuMsPerRequest: number;
  readonly loadGeneratorCpuMsPerRequest: number;
}

/**
 * The report's view of each model's calibration; `fitted` is what fittedMeasurements made of `calibration`, `used` the
 * measurements the predictions ran on (predictionMeasurements) and `source` where their occupancy came from.
 */
export function calibrationSummary(
  calibration: readonly ModelCalibration[],
  fitted: FittedMeasurements,
  used: Readonly<Record<string, ServedModelMeasurements>>,
  source: OccupancySource,
  profiles: readonly ModelProfile[],
  threads: number,
): CalibrationSummary[] {
  const { fits } = fitted;
  return calibration.map((c) => {
    const profile = profiles.find((p) => p.model === c.model);
    const m = used[c.model];
    if (profile === undefined || m === undefined) throw new Error(`no profile or calibration of ${c.model}`);
    const cal = calibrateOnFit(profile, threads, m);
    const fit = fits[c.model];
    return {
      model: c.model,
      profiledB1Ms: batchLatencyMs(profile.fit, 1, threads),
      idleMeanMs: m.idleMeanMs,
      idleStdMs: Math.sqrt(m.idleVarianceMs2),
      idleComputeMs: c.idle.serverComputeMs,
      saturationPerS: m.saturationThroughputPerS,
      saturationBatchRows: m.saturationBatchRows,
      saturationComputeMs: c.saturation.server.meanComputeMs,
      occupancyB1Ms: cal.occupancyB1Ms,
      occupancySource: source,
      occupancyScale: cal.occupancyScale,
      loadedFitOccupancyB1Ms: occupancyB1Ms(profiles, threads, c.model, fitted.measurements),
      ...(c.loaded === undefined
        ? {}
        : { loadedRatePerS: c.loaded.ratePerS, loadedMeanMs: c.loaded.meanMs, occupancyFit: fit?.outcome ?? 'saturation (loaded run did not keep up)' }),
      // Without a fit the calibration's occupancy is the saturation estimate.
      saturationOccupancyB1Ms: fit?.saturationOccupancyB1Ms ?? cal.occupancyB1Ms,
      delayMeanMs: cal.delay.meanMs,
      delayStdMs: Math.sqrt(cal.delay.varianceMs2),
      frontEndCpuMsPerRequest: c.saturation.frontEndCpuMsPerRequest,
      workerCpuMsPerRequest: c.saturation.workerCpuMsPerRequest,
      loadGeneratorCpuMsPerRequest: c.saturation.loadGeneratorCpuMsPerRequest,
    };
  });
}

/**
 * The measurements with each model's idle latency rescaled to `idle`, a probe sent just before a case, where it has
 * the model: the calibration's idle distribution (mean, variance, p95) times k = probe mean ÷ calibration mean; the
 * occupancies stay the calibration's. Why: the server's unloaded latency drifts between its calibration and a case
 * minutes later (both ways on the same server: a median 5.9% in the 2026-11-23 run, over a quarter for some models in
 * the run before), which no queueing model can know; the probe measures it with nothing queued, so a prediction from
 * it still owes nothing to the case's load. Only its mean is taken: on that run's raw file (every case re-predicted),
 * the probe's own variance and p95 (60 requests) gave 7.4% / 18.1% (mean / p95 error) against 7.4% / 17.5% scaled,
 * and scaling the occupancies by k as well (the machine uniformly slower) 8.6% / 19.7%.
 */
export function withCaseIdle(measurements: Readonly<Record<string, ServedModelMeasurements>>, idle: readonly OverheadProbe[]): Record<string, ServedModelMeasurements> {
  const out = { ...measurements };
  for (const p of idle) {
    const m = out[p.model];
    if (m === undefined || !(p.clientMeanMs > 0)) continue;
    const k = p.clientMeanMs / m.idleMeanMs;
    out[p.model] = { ...m, idleMeanMs: p.clientMeanMs, idleVarianceMs2: m.idleVarianceMs2 * k * k, ...(m.idleP95Ms === undefined ? {} : { idleP95Ms: m.idleP95Ms * k }) };
  }
  return out;
}
