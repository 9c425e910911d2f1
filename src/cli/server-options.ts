// Every tunable of `tessera serve`, with its unit and default (docs/configuration.md lists the same).

import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { PolicyName } from '../engine/scheduling-policy.js';
import type { WorkerHeap } from '../executor/pool/pool-options.js';
import { ADMISSION_MARGIN_DEFAULTS } from '../scheduler/admission-margin.js';
import { type AdmissionMarginsOptions, OVERLOADED_SHARE_DEFAULT } from '../scheduler/admission-margins.js';

/** The admission-margin options a server exposes (`--admission-*`), each with its value. */
export type AdmissionSettings = Required<Pick<AdmissionMarginsOptions, 'quantile' | 'overloadedQuantile' | 'horizonMs' | 'minSamples' | 'recurrence' | 'overloadedShare'>>;

export interface ServerOptions {
  /** Model repository directory; absent: the built-in zoo, generated under the state directory. */
  readonly repository: string | undefined;
  /** Where the zoo, and later apps and profiles, persist. */
  readonly stateDir: string;
  readonly host: string;
  readonly httpPort: number;
  /** 0 picks a free port; negative disables the gRPC front end. */
  readonly grpcPort: number;
  readonly workers: number;
  /** onnxruntime intra-op threads per session unless a model config says otherwise. */
  readonly intraOpThreads: number;
  /** max_batch_size for models without a config whose graph has a variable first dimension. */
  readonly defaultMaxBatchSize: number;
  /** Dynamic batching delay for models without a config, in µs. */
  readonly defaultMaxQueueDelayUs: number;
  /** Most queued requests per model version before RESOURCE_EXHAUSTED (429). */
  readonly maxQueueLength: number;
  /** Largest request body in bytes; larger ones get 413. */
  readonly maxBodyBytes: number;
  /** 'none': load every model at start; 'explicit': load only `loadModels`, the rest through the repository API. */
  readonly modelControl: 'none' | 'explicit';
  readonly loadModels: readonly string[];
  /** How long SIGTERM waits for in-flight requests, in ms. */
  readonly drainTimeoutMs: number;
  /** How long queued requests wait for a crashed worker to come back before failing, in ms. */
  readonly unavailableTimeoutMs: number;
  readonly logLevel: string;
  /** Batches each instance may have outstanding in its worker (2: the next batch waits there, no idle gap). */
  readonly maxBatchesInFlight: number;
  /** Profile each model version in the background after it loads (on a dedicated worker process). */
  readonly backgroundProfile: boolean;
  /** Background profiling budget per sweep cell and per model, ms. */
  readonly profileCellBudgetMs: number;
  readonly profileModelBudgetMs: number;
  /** Scheduling policy: Tessera's (default), the fair-share arbiter, or a baseline for experiments. */
  readonly policy: PolicyName;
  /** Require bearer API keys per tenant (off by default for the embedded single-user setup; logged loudly). */
  readonly auth: boolean;
  /** YAML file of tenants and apps applied at start. */
  readonly appsFile: string | undefined;
  /** Fair policy: target profiled time per graph segment on CPU executors, ms (0: whole batches). */
  readonly segmentQuantumMs: number;
  /**
   * Tessera policy: a model whose batch-1 run takes longer than this is cut into graph segments of about this much
   * profiled time, so a request with an earlier deadline overtakes it at a segment boundary, ms (0: never).
   */
  readonly preemptQuantumMs: number;
  /**
   * Niceness of the worker processes (0-19): above the front end's, so on shared cores the process that parses,
   * admits and answers every request gets the CPU the moment it needs it and the batches absorb the wait.
   */
  readonly workerNice: number;
  /**
   * How the workers' C heap treats large freed blocks: 'release' returns them to the OS (less resident memory),
   * 'reuse' keeps them for the next tensors (no page faults per run); 'auto': 'reuse' when the policy cuts models into
   * graph segments (every segment's outputs are new buffers), 'release' otherwise.
   */
  readonly workerHeap: 'auto' | WorkerHeap;
  /**
   * How admission control learns its safety margin (tessera and fair policies; docs/apps.md): the quantile of recent
   * lateness used normally and while overloaded, the horizon the errors are kept, how few errors give no margin, in
   * how many distinct 100 ms windows lateness must recur to count (one stall is one event), and the share of refusals
   * at which the executors count as overloaded.
   */
  readonly admission: AdmissionSettings;
}

export function defaultServerOptions(): ServerOptions {
  const cores = availableParallelism();
  const workers = Math.max(1, cores);
  return {
    repository: undefined,
    stateDir: process.env['TESSERA_STATE_DIR'] ?? join(process.cwd(), '.tessera'),
    host: '0.0.0.0',
    httpPort: 8000,
    grpcPort: 8001,
    workers,
    intraOpThreads: Math.max(1, Math.floor(cores / workers)),
    defaultMaxBatchSize: 32,
    defaultMaxQueueDelayUs: 0,
    maxQueueLength: 1024,
    maxBodyBytes: 64 * 1024 * 1024,
    modelControl: 'none',
    loadModels: [],
    drainTimeoutMs: 30_000,
    unavailableTimeoutMs: 10_000,
    logLevel: 'info',
    maxBatchesInFlight: 2,
    backgroundProfile: true,
    profileCellBudgetMs: 2000,
    profileModelBudgetMs: 20_000,
    policy: 'tessera',
    auth: false,
    appsFile: undefined,
    segmentQuantumMs: 2,
    preemptQuantumMs: 0,
    workerNice: 10,
    workerHeap: 'auto',
    admission: {
      quantile: ADMISSION_MARGIN_DEFAULTS.quantile,
      overloadedQuantile: ADMISSION_MARGIN_DEFAULTS.overloadedQuantile,
      horizonMs: ADMISSION_MARGIN_DEFAULTS.horizonMs,
      minSamples: ADMISSION_MARGIN_DEFAULTS.minSamples,
      recurrence: ADMISSION_MARGIN_DEFAULTS.recurrence,
      overloadedShare: OVERLOADED_SHARE_DEFAULT,
    },
  };
}
