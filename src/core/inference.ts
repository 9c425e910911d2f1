// Inference request/response value types, independent of the wire format (REST JSON, binary, gRPC).

import type { DataType } from './datatype.js';
import type { Tensor } from './tensor.js';

export type ParameterValue = string | number | boolean;
export type Parameters = Record<string, ParameterValue>;

export interface RequestedOutput {
  readonly name: string;
  /** Binary tensor data extension: return this output as raw bytes after the JSON header. */
  readonly binary?: boolean;
  readonly parameters?: Parameters;
}

export interface InferRequest {
  readonly id?: string;
  readonly model: string;
  /** A specific version; absent means the highest ready version. */
  readonly version?: string;
  readonly inputs: readonly Tensor[];
  /** Subset of outputs to return; absent means all. */
  readonly outputs?: readonly RequestedOutput[];
  readonly parameters?: Parameters;
}

export interface InferResponse {
  readonly id?: string;
  readonly model: string;
  readonly version: string;
  readonly outputs: readonly Tensor[];
  readonly parameters?: Parameters;
}

/** One input or output as a model declares it; -1 marks a dynamic dimension. */
export interface TensorSpec {
  readonly name: string;
  readonly datatype: DataType;
  readonly shape: readonly number[];
}

export interface ModelMetadata {
  readonly name: string;
  readonly versions: readonly string[];
  readonly platform: string;
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  readonly parameters?: Parameters;
}

export interface ServerMetadata {
  readonly name: string;
  readonly version: string;
  readonly extensions: readonly string[];
}

export type ModelState = 'LOADING' | 'READY' | 'UNLOADING' | 'UNAVAILABLE';

export interface RepositoryIndexEntry {
  readonly name: string;
  readonly version?: string;
  readonly state?: ModelState;
  readonly reason?: string;
}

export interface DurationStat {
  readonly count: number;
  readonly ns: number;
}

/** Triton-compatible statistics extension record for one model version. */
export interface ModelStatistics {
  readonly name: string;
  readonly version: string;
  readonly last_inference: number;
  readonly inference_count: number;
  readonly execution_count: number;
  readonly inference_stats: {
    readonly success: DurationStat;
    readonly fail: DurationStat;
    readonly queue: DurationStat;
    readonly compute_input: DurationStat;
    readonly compute_infer: DurationStat;
    readonly compute_output: DurationStat;
  };
  readonly batch_stats: readonly {
    readonly batch_size: number;
    readonly compute_input: DurationStat;
    readonly compute_infer: DurationStat;
    readonly compute_output: DurationStat;
  }[];
}
