// The one API front ends, the CLI and benchmarks call. Front ends never reach past it into internals.

import type { ModelProfile } from '../profiler/profile.js';
import type {
  InferRequest,
  InferResponse,
  ModelMetadata,
  ModelStatistics,
  RepositoryIndexEntry,
  ServerMetadata,
} from '../core/inference.js';

export interface EngineApi {
  isLive(): boolean;
  /** Ready when started, not draining, and every model that should load has settled (ready or unavailable). */
  isReady(): boolean;
  serverMetadata(): ServerMetadata;
  /** Throws ServingError NOT_FOUND for an unknown model/version, UNAVAILABLE when it is not ready. */
  modelMetadata(name: string, version?: string): ModelMetadata;
  /** Throws NOT_FOUND for an unknown model/version. */
  isModelReady(name: string, version?: string): boolean;
  /** Rejects with ServingError (INVALID_ARGUMENT names the tensor, NOT_FOUND, UNAVAILABLE, ...). */
  infer(request: InferRequest): Promise<InferResponse>;
  repositoryIndex(readyOnly: boolean): RepositoryIndexEntry[];
  loadModel(name: string): Promise<void>;
  unloadModel(name: string, options?: { unloadDependents?: boolean }): Promise<void>;
  /** All models when name is absent. Throws NOT_FOUND for an unknown model. */
  statistics(name?: string, version?: string): ModelStatistics[];
  /** Stored latency profiles of a model (one version or all). NOT_FOUND for an unknown model or no profile yet. */
  modelProfile(name: string, version?: string): Promise<ModelProfileAnswer>;
}

export interface ModelProfileAnswer {
  readonly model: string;
  readonly profiles: readonly ModelProfile[];
  /** Background profiling state of each version, when the server profiles in the background. */
  readonly background?: readonly { readonly version: string; readonly state: string; readonly reason?: string }[];
}
