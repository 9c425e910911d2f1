// Normalised model configuration: what config.yaml, Triton's config.pbtxt or the ONNX graph itself declare.

import type { DataType } from '../core/datatype.js';

/** Declared input/output override. With maxBatchSize > 0, `dims` excludes the batch dimension (Triton rule). */
export interface TensorConfig {
  readonly name: string;
  readonly datatype?: DataType;
  readonly dims?: readonly number[];
}

export interface DynamicBatchingConfig {
  /** How long the oldest request may wait for others to join its batch, in microseconds. */
  readonly maxQueueDelayUs: number;
  /** Batch sizes the batcher prefers to dispatch at once when reached. */
  readonly preferredBatchSizes: readonly number[];
}

export type InstanceKind = 'auto' | 'cpu' | 'gpu';

export interface InstanceConfig {
  readonly kind: InstanceKind;
  /** Number of sessions (instances) of each version, spread over workers. */
  readonly count?: number;
  /** onnxruntime intra-op threads per session; absent means the server default. */
  readonly intraOpThreads?: number;
}

export type VersionPolicy =
  | { readonly kind: 'latest'; readonly count: number }
  | { readonly kind: 'specific'; readonly versions: readonly number[] }
  | { readonly kind: 'all' };

export type ConfigSource = 'config.yaml' | 'config.pbtxt' | 'none';

export interface ModelConfig {
  readonly name: string;
  readonly source: ConfigSource;
  readonly task?: string;
  /** Declared top-1 accuracy (fraction 0..1) used by model-less routing. */
  readonly declaredAccuracy?: number;
  /**
   * Largest batch the model accepts along dimension 0; 0 disables batching (shapes are then full shapes).
   * Absent means: infer from the graph (dynamic first dimension → the server default).
   */
  readonly maxBatchSize?: number;
  readonly inputs?: readonly TensorConfig[];
  readonly outputs?: readonly TensorConfig[];
  /** Absent disables dynamic batching unless the server enables it by default. */
  readonly dynamicBatching?: DynamicBatchingConfig;
  readonly instance: InstanceConfig;
  readonly versionPolicy: VersionPolicy;
  /** Free-form description shown in metadata. */
  readonly description?: string;
}

export const DEFAULT_VERSION_POLICY: VersionPolicy = { kind: 'latest', count: 1 };
