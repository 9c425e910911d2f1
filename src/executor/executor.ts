// Executor contract: something that holds onnxruntime sessions and runs exactly the batch it is given.
// Implementations: worker processes over the binary protocol (worker-client.ts) and an in-process one for tests.

import type { TensorSpec } from '../core/inference.js';
import type { Tensor } from '../core/tensor.js';

export interface SessionOptions {
  /** onnxruntime intra-op thread count for this session. */
  readonly intraOpThreads: number;
  /** onnxruntime execution providers in preference order, e.g. ['cpu'] or ['cuda', 'cpu']. */
  readonly executionProviders?: readonly string[];
}

export interface LoadSpec {
  /** Unique key of the loaded session, e.g. "resnet50@1". */
  readonly key: string;
  /** Absolute path of the .onnx file. */
  readonly path: string;
  readonly options: SessionOptions;
}

export interface LoadedSession {
  readonly key: string;
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  readonly loadMs: number;
}

export interface RunResult {
  readonly outputs: readonly Tensor[];
  /** Time spent inside session.run, in nanoseconds, measured by the executor. */
  readonly computeNs: number;
}

export interface Executor {
  readonly id: string;
  /** Load (or replace) a session. Rejects with ServingError INVALID_ARGUMENT for a corrupt or non-ONNX file. */
  load(spec: LoadSpec): Promise<LoadedSession>;
  unload(key: string): Promise<void>;
  /**
   * Run one batch. `outputNames` selects outputs (all when empty). Rejects with ServingError; when the executor
   * died before or during the run the error is UNAVAILABLE with retryable=true.
   */
  run(key: string, inputs: readonly Tensor[], outputNames: readonly string[]): Promise<RunResult>;
  /** Keys of the sessions currently loaded. */
  loadedKeys(): readonly string[];
  close(): Promise<void>;
}
