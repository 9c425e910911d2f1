// The one API front ends, the CLI and benchmarks call. Front ends never reach past it into internals.

import type { ServingError } from '../core/errors.js';
import type { ModelProfile } from '../profiler/profile.js';
import type {
  InferRequest,
  InferResponse,
  ModelMetadata,
  ModelStatistics,
  RepositoryIndexEntry,
  ServerMetadata,
} from '../core/inference.js';
import type { InferContext } from './request-context.js';

export interface EngineApi {
  isLive(): boolean;
  /** Ready when started, not draining, and every model that should load has settled (ready or unavailable). */
  isReady(): boolean;
  serverMetadata(): ServerMetadata;
  /** Throws ServingError NOT_FOUND for an unknown model/version, UNAVAILABLE when it is not ready. */
  modelMetadata(name: string, version?: string): ModelMetadata;
  /** Throws NOT_FOUND for an unknown model/version. */
  isModelReady(name: string, version?: string): boolean;
  /**
   * Rejects with ServingError (INVALID_ARGUMENT names the tensor, NOT_FOUND, UNAVAILABLE, RESOURCE_EXHAUSTED when
   * admission control rejects, DEADLINE_EXCEEDED when the request was dropped because its deadline passed).
   * The OIP `timeout` (µs) and `priority` parameters and `tessera.slo_ms` set the request's deadline and class.
   */
  infer(request: InferRequest, context?: InferContext): Promise<InferResponse>;
  /** A request to a registered app of `tenant` (NOT_FOUND for an unknown app or another tenant's app). */
  inferApp(tenant: string, app: string, request: Omit<InferRequest, 'model'>): Promise<InferResponse>;
  /**
   * Before an app request's body is read: the admission refusal (RESOURCE_EXHAUSTED) it would get whatever the body
   * holds, or undefined to read the body and decide in full. Lets the front end refuse under overload without reading
   * and decoding bodies it would throw away.
   */
  refuseAppEarly(tenant: string, app: string): ServingError | undefined;
  /** A model-less request to a task; `tessera.slo_ms` and `tessera.min_accuracy` parameters state what it needs. */
  inferTask(task: string, request: Omit<InferRequest, 'model'>, options?: TaskInferOptions): Promise<InferResponse>;
  repositoryIndex(readyOnly: boolean): RepositoryIndexEntry[];
  loadModel(name: string): Promise<void>;
  unloadModel(name: string, options?: { unloadDependents?: boolean }): Promise<void>;
  /** All models when name is absent. Throws NOT_FOUND for an unknown model. */
  statistics(name?: string, version?: string): ModelStatistics[];
  /** Stored latency profiles of a model (one version or all). NOT_FOUND for an unknown model or no profile yet. */
  modelProfile(name: string, version?: string): Promise<ModelProfileAnswer>;
}

export interface TaskInferOptions {
  /** Tenant the request is charged to (default: the default tenant). */
  readonly tenant?: string;
}

export interface ModelProfileAnswer {
  readonly model: string;
  readonly profiles: readonly ModelProfile[];
  /** Background profiling state of each version, when the server profiles in the background. */
  readonly background?: readonly { readonly version: string; readonly state: string; readonly reason?: string }[];
}
