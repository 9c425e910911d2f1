// The two predictions of one validation case: the analytic sharing predictor and the discrete-event simulator,
// both from the run's profiles, each plus the measured fixed per-request overhead of the front end.

import { colocatedFromProfile } from '../../src/perfmodel/colocated-from-profile.js';
import { predictorFor } from '../../src/perfmodel/predictor-for.js';
import type { ModelProfile } from '../../src/profiler/profile.js';
import type { SimCluster } from '../../src/sim/cluster.js';
import { simulate } from '../../src/sim/simulator.js';
import { MAX_BATCH_SIZE } from './mode-repository.js';
import { ANALYTIC_MODE, type ValidationCase } from './validation-cases.js';

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
  /** Fixed per-request overhead to add, ms, by model (client, HTTP, front end, worker round trip). */
  readonly overheadMs: Readonly<Record<string, number>>;
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

export function analyticPrediction(c: ValidationCase, setup: PredictionSetup): ModelsPrediction {
  const batching = c.mode === 'fcfs-batching';
  const models = c.models.map((m, i) =>
    colocatedFromProfile(profileOf(setup, m), c.ratesPerS[i] as number, { cores: setup.threads, ...(batching ? { maxBatchSize: MAX_BATCH_SIZE } : {}) }),
  );
  const prediction = predictorFor(ANALYTIC_MODE[c.mode]).predict(models, { cores: setup.threads });
  return {
    utilisation: prediction.utilization,
    perModel: prediction.perModel.map((p) =>
      p.stable ? { meanMs: p.meanMs + (setup.overheadMs[p.name] ?? 0), p95Ms: p.p95Ms + (setup.overheadMs[p.name] ?? 0) } : null,
    ),
  };
}

export function simPrediction(c: ValidationCase, setup: PredictionSetup): ModelsPrediction {
  const batching = c.mode === 'fcfs-batching';
  const cluster: SimCluster = {
    executors: [{ id: EXECUTOR_ID, kind: 'cpu', cores: setup.threads }],
    placements: c.models.map((model) => ({
      model,
      executors: [EXECUTOR_ID],
      threads: setup.threads,
      ...(batching ? { batching: { maxBatchSize: MAX_BATCH_SIZE, maxQueueDelayMs: 0 } } : {}),
    })),
  };
  const totalRatePerS = c.ratesPerS.reduce((a, b) => a + b, 0);
  // A little more simulated time than the request cap needs, so the cap ends the run.
  const durationMs = SIM_WARMUP_MS + (setup.simRequests / totalRatePerS) * 1000 * 1.05;
  const result = simulate(
    cluster,
    { streams: c.models.map((model, i) => ({ model, arrival: { kind: 'poisson', ratePerS: c.ratesPerS[i] as number } })) },
    setup.profiles.filter((p) => c.models.includes(p.model)),
    { durationMs, warmupMs: SIM_WARMUP_MS, seed: setup.seed, maxRequests: setup.simRequests },
  );
  return {
    utilisation: result.executors[0]?.utilisation ?? Number.NaN,
    perModel: c.models.map((model) => {
      const m = result.models.find((x) => x.model === model);
      if (m === undefined || m.completed === 0 || m.dropped + m.rejected > 0.01 * m.arrived) return null;
      return { meanMs: m.latency.meanMs + (setup.overheadMs[model] ?? 0), p95Ms: m.latency.p95Ms + (setup.overheadMs[model] ?? 0) };
    }),
  };
}
