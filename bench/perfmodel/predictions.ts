// The two predictions of one validation case: the analytic sharing predictor and the discrete-event simulator,
// both from the run's profiles calibrated to the live server (occupancy per batch from a saturation run, an idle
// request's remaining latency as a delay stage); without a calibration, profiles plus a constant overhead (old runs).

import { colocatedFromProfile } from '../../src/perfmodel/colocated-from-profile.js';
import { batchLatencyMs } from '../../src/perfmodel/cpu-scaling.js';
import { type DelayStage, NO_DELAY, withDelayStage } from '../../src/perfmodel/delay-stage.js';
import type { ColocatedModel } from '../../src/perfmodel/predictor.js';
import { predictorFor } from '../../src/perfmodel/predictor-for.js';
import { type ServedModelMeasurements, calibrateServedModel, scaleLatencyCurve } from '../../src/perfmodel/served-calibration.js';
import type { ModelProfile } from '../../src/profiler/profile.js';
import type { SimCluster, SimPlacement } from '../../src/sim/cluster.js';
import { simulate } from '../../src/sim/simulator.js';
import { calibratedProfile } from './calibrated-profile.js';
import { MAX_BATCH_SIZE } from './mode-repository.js';
import { ANALYTIC_MODE, FAIR_QUANTUM_MS, type ServerMode, type ValidationCase } from './validation-cases.js';

export interface LatencyPrediction {
  readonly meanMs: number;
  readonly p95Ms: number;
}

/** Per model of the case, in its order; null where the predictor says the model is unstable (no finite latency). */
export interface CasePredictions {
  readonly analytic: readonly (LatencyPrediction | null)[];
  readonly sim: readonly (LatencyPrediction | null)[];
  /** Executor utilisation the analytic model and the simulator report (NaN when there is none). */
  readonly analyticUtilisation: number;
  readonly simUtilisation: number;
  /** Why there is no analytic prediction (e.g. the predictor did not answer in time), when there is none. */
  readonly analyticNote?: string;
  /** Wall time of each prediction, ms. */
  readonly analyticMs: number;
  readonly simMs: number;
}

export interface ModelsPrediction {
  readonly perModel: (LatencyPrediction | null)[];
  readonly utilisation: number;
}

export interface PredictionSetup {
  readonly profiles: readonly ModelProfile[];
  /** Intra-op threads of the server's (and the profile's) sessions. */
  readonly threads: number;
  /** Fixed per-request overhead to add, ms, by model (client, HTTP, front end, worker round trip); used without a calibration. */
  readonly overheadMs: Readonly<Record<string, number>>;
  /** The calibration runs' measurements by model; when present they replace `overheadMs`. */
  readonly calibration?: Readonly<Record<string, ServedModelMeasurements>>;
  /** Fair mode: graph segments per model (absent: whole). */
  readonly segments?: Readonly<Record<string, number>>;
  /** Fair mode: the arbiter's quantum, ms. */
  readonly quantumMs?: number;
  /** Requests each simulation generates (warm-up included). */
  readonly simRequests: number;
  readonly seed: number;
}

const EXECUTOR_ID = 'worker-0';
/** Simulated requests before this time are not measured, ms. */
const SIM_WARMUP_MS = 2_000;

function profileOf(setup: PredictionSetup, model: string): ModelProfile {
  const p = setup.profiles.find((x) => x.model === model);
  if (p === undefined) throw new Error(`no profile of ${model}`);
  return p;
}

/** The PredictionSetup fields of the fair mode: its segment counts and the arbiter's quantum ({} in other modes). */
export function fairSetup(mode: ServerMode, segments: Readonly<Record<string, number>> | undefined): Pick<PredictionSetup, 'segments' | 'quantumMs'> {
  return mode === 'fair' ? { segments: segments ?? {}, quantumMs: FAIR_QUANTUM_MS } : {};
}

/** The fair mode's segment count of `model` ({} elsewhere, or when it runs whole). */
function segmentsOf(c: ValidationCase, setup: PredictionSetup, model: string): { segments?: number } {
  const n = c.mode === 'fair' ? setup.segments?.[model] : undefined;
  return n === undefined || n <= 1 ? {} : { segments: n };
}

export function analyticPrediction(c: ValidationCase, setup: PredictionSetup): ModelsPrediction {
  const batching = c.mode === 'fcfs-batching';
  const delays: Record<string, DelayStage> = {};
  const models = c.models.map((m, i): ColocatedModel => {
    const profile = profileOf(setup, m);
    const base = colocatedFromProfile(profile, c.ratesPerS[i] as number, { cores: setup.threads, ...(batching ? { maxBatchSize: MAX_BATCH_SIZE } : {}) });
    const measured = setup.calibration?.[m];
    if (measured === undefined) {
      delays[m] = { meanMs: setup.overheadMs[m] ?? 0, varianceMs2: 0 };
      return base;
    }
    const cal = calibrateServedModel((rows) => batchLatencyMs(base.latency, rows, setup.threads), base.serviceScv ?? 0, measured);
    delays[m] = cal.delay;
    return { ...base, latency: scaleLatencyCurve(base.latency, cal.occupancyScale), ...segmentsOf(c, setup, m) };
  });
  const prediction = predictorFor(ANALYTIC_MODE[c.mode]).predict(models, { cores: setup.threads, ...(c.mode === 'fair' && setup.quantumMs !== undefined ? { quantumMs: setup.quantumMs } : {}) });
  return {
    utilisation: prediction.utilization,
    perModel: prediction.perModel.map((p) => {
      if (!p.stable) return null;
      const d = delays[p.name] ?? NO_DELAY;
      // Without a calibration the old constant overhead shifts mean and p95 alike.
      if (setup.calibration === undefined) return { meanMs: p.meanMs + d.meanMs, p95Ms: p.p95Ms + d.meanMs };
      const q = withDelayStage(p, d);
      return { meanMs: q.meanMs, p95Ms: q.p95Ms };
    }),
  };
}

export function simPrediction(c: ValidationCase, setup: PredictionSetup): ModelsPrediction {
  const batching = c.mode === 'fcfs-batching';
  const profiles: ModelProfile[] = [];
  const placements: SimPlacement[] = c.models.map((model) => {
    const profile = profileOf(setup, model);
    const measured = setup.calibration?.[model];
    const cal = measured === undefined ? undefined : calibratedProfile(profile, setup.threads, measured);
    profiles.push(cal?.profile ?? profile);
    const d = cal?.calibration.delay;
    return {
      model,
      executors: [EXECUTOR_ID],
      threads: setup.threads,
      ...(batching ? { batching: { maxBatchSize: MAX_BATCH_SIZE, maxQueueDelayMs: 0 } } : {}),
      ...segmentsOf(c, setup, model),
      ...(d === undefined || d.meanMs <= 0 ? {} : { delay: { meanMs: d.meanMs, scv: d.varianceMs2 / (d.meanMs * d.meanMs) } }),
    };
  });
  const sharing = c.mode === 'fair' ? ({ sharing: 'wfq' } as const) : {};
  const cluster: SimCluster = { executors: [{ id: EXECUTOR_ID, kind: 'cpu', cores: setup.threads, ...sharing }], placements };
  const totalRatePerS = c.ratesPerS.reduce((a, b) => a + b, 0);
  // A little more simulated time than the request cap needs, so the cap ends the run.
  const durationMs = SIM_WARMUP_MS + (setup.simRequests / totalRatePerS) * 1000 * 1.05;
  const result = simulate(
    cluster,
    { streams: c.models.map((model, i) => ({ model, arrival: { kind: 'poisson', ratePerS: c.ratesPerS[i] as number } })) },
    profiles,
    { durationMs, warmupMs: SIM_WARMUP_MS, seed: setup.seed, maxRequests: setup.simRequests },
  );
  // Without a calibration the old constant overhead is added here; with one the simulator drew the delay itself.
  const constant = (model: string): number => (setup.calibration?.[model] === undefined ? (setup.overheadMs[model] ?? 0) : 0);
  return {
    utilisation: result.executors[0]?.utilisation ?? Number.NaN,
    perModel: c.models.map((model) => {
      const m = result.models.find((x) => x.model === model);
      if (m === undefined || m.completed === 0 || m.dropped + m.rejected > 0.01 * m.arrived) return null;
      return { meanMs: m.latency.meanMs + constant(model), p95Ms: m.latency.p95Ms + constant(model) };
    }),
  };
}
