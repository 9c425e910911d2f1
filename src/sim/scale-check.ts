// The simulator's scale scenario (100 executors, 200 models, ~1M Poisson requests) for a benchmark to time.

import type { ModelProfile } from '../profiler/profile.js';
import type { SimCluster, SimPlacement } from './cluster.js';
import type { SimOptions } from './simulator.js';
import { syntheticProfile } from './synthetic-profile.js';
import type { Workload, WorkloadStream } from './workload.js';

export interface SimScenario {
  readonly cluster: SimCluster;
  readonly workload: Workload;
  readonly profiles: readonly ModelProfile[];
  readonly options: SimOptions;
}

export interface ScaleCheckSpec {
  /** Default 100. */
  readonly executors?: number;
  /** Default 200; each model has instances on two executors. */
  readonly models?: number;
  /** Requests in the run (maxRequests); default 1 000 000. */
  readonly requests?: number;
  /** Sum of all models' arrival rates, per second; default 10 000 (so the run spans about 100 s of simulated time). */
  readonly totalRatePerS?: number;
  /** Mean executor utilisation the service times are sized for; default 0.6. */
  readonly utilisation?: number;
  readonly seed?: number;
}

const CORES = 4;
const SERIAL_FRACTION = 0.3;

/**
 * Call `simulate(s.cluster, s.workload, s.profiles, s.options)` on the result. Models alternate between dynamic
 * batching (max 8, 2 ms) and none; service times vary ±50 % around the size that gives the target utilisation,
 * with scv 0.2 (gamma); a switch cost of 0.2 ms applies between models.
 */
export function scaleCheckScenario(spec: ScaleCheckSpec = {}): SimScenario {
  const executorCount = spec.executors ?? 100;
  const modelCount = spec.models ?? 200;
  const requests = spec.requests ?? 1_000_000;
  const totalRatePerS = spec.totalRatePerS ?? 10_000;
  const ratePerS = totalRatePerS / modelCount;
  // Total work totalRate·S spread over all executors gives the target utilisation.
  const serviceMs = ((spec.utilisation ?? 0.6) * executorCount * 1000) / totalRatePerS;
  const speedup = SERIAL_FRACTION + (1 - SERIAL_FRACTION) / CORES;

  const executors = Array.from({ length: executorCount }, (_, i) => ({ id: `cpu-${i}`, kind: 'cpu' as const, cores: CORES }));
  const profiles: ModelProfile[] = [];
  const placements: SimPlacement[] = [];
  const streams: WorkloadStream[] = [];
  for (let i = 0; i < modelCount; i++) {
    const model = `m${i}`;
    const scale = 0.5 + ((i * 7) % 11) / 10; // 0.5 … 1.5, spread deterministically
    const perItemMs = (0.1 * serviceMs * scale) / speedup;
    profiles.push(syntheticProfile({ model, fixedMs: (serviceMs * scale) / speedup - perItemMs, perItemMs, serialFraction: SERIAL_FRACTION, scv: 0.2, threads: [CORES] }));
    const first = i % executorCount;
    const second = (first + 1 + ((i * 37) % (executorCount - 1 || 1))) % executorCount;
    placements.push({
      model,
      executors: first === second ? [`cpu-${first}`] : [`cpu-${first}`, `cpu-${second}`],
      ...(i % 2 === 0 ? { batching: { maxBatchSize: 8, maxQueueDelayMs: 2 } } : {}),
    });
    streams.push({ model, arrival: { kind: 'poisson', ratePerS }, sloMs: 4 * serviceMs });
  }
  return {
    cluster: { executors, placements, switchCostMs: 0.2 },
    workload: { streams },
    profiles,
    // 2 % more time than the expected span, so the request cap (not the clock) ends arrivals.
    options: { durationMs: ((requests / totalRatePerS) * 1000 * 1.02), warmupMs: 1000, seed: spec.seed ?? 1, maxRequests: requests },
  };
}
