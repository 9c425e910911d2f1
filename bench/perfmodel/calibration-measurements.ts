// Turns the calibration runs into the perfmodel's per-model measurements, and the occupancy that defines utilisation.

import { batchLatencyMs } from '../../src/perfmodel/cpu-scaling.js';
import { type ServedModelMeasurements, calibrateServedModel } from '../../src/perfmodel/served-calibration.js';
import type { ModelProfile } from '../../src/profiler/profile.js';
import { batch1Scv } from './calibrated-profile.js';
import type { ModelCalibration } from './calibrate-server.js';

export function measurementsOf(calibration: readonly ModelCalibration[]): Record<string, ServedModelMeasurements> {
  return Object.fromEntries(
    calibration.map((c) => [
      c.model,
      {
        idleMeanMs: c.idle.clientMeanMs,
        idleVarianceMs2: c.idle.clientVarianceMs2,
        saturationThroughputPerS: c.saturation.throughputPerS,
        // A batch holds at least one row; the server's counters can read NaN when nothing ran.
        saturationBatchRows: Number.isFinite(c.saturation.server.meanBatchRows) ? Math.max(1, c.saturation.server.meanBatchRows) : 1,
      },
    ]),
  );
}

/** Calibrated occupancy of a one-row batch of `model` as the analytic model sees it (profile fit × scale), ms. */
export function occupancyB1Ms(profiles: readonly ModelProfile[], threads: number, model: string, measurements: Readonly<Record<string, ServedModelMeasurements>>): number {
  const profile = profiles.find((p) => p.model === model);
  const m = measurements[model];
  if (profile === undefined || m === undefined) throw new Error(`no profile or calibration of ${model}`);
  return calibrateServedModel((rows) => batchLatencyMs(profile.fit, rows, threads), batch1Scv(profile, threads), m).occupancyB1Ms;
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
  readonly occupancyB1Ms: number;
  readonly occupancyScale: number;
  readonly delayMeanMs: number;
  readonly delayStdMs: number;
  readonly frontEndCpuMsPerRequest: number;
  readonly workerCpuMsPerRequest: number;
  readonly loadGeneratorCpuMsPerRequest: number;
}

export function calibrationSummary(profiles: readonly ModelProfile[], threads: number, calibration: readonly ModelCalibration[]): CalibrationSummary[] {
  const measurements = measurementsOf(calibration);
  return calibration.map((c) => {
    const profile = profiles.find((p) => p.model === c.model);
    const m = measurements[c.model];
    if (profile === undefined || m === undefined) throw new Error(`no profile or calibration of ${c.model}`);
    const cal = calibrateServedModel((rows) => batchLatencyMs(profile.fit, rows, threads), batch1Scv(profile, threads), m);
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
      occupancyScale: cal.occupancyScale,
      delayMeanMs: cal.delay.meanMs,
      delayStdMs: Math.sqrt(cal.delay.varianceMs2),
      frontEndCpuMsPerRequest: c.saturation.frontEndCpuMsPerRequest,
      workerCpuMsPerRequest: c.saturation.workerCpuMsPerRequest,
      loadGeneratorCpuMsPerRequest: c.saturation.loadGeneratorCpuMsPerRequest,
    };
  });
}
