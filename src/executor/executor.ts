// Executor contract: something that holds onnxruntime sessions and runs exactly the batch it is given.
// Implementations: worker processes over the binary protocol (worker-client.ts) and an in-process one for tests.

import type { TensorSpec } from '../core/inference.js';
import type { Tensor } from '../core/tensor.js';
import type { UnitRank } from '../scheduler/flow-selector.js';

export interface SessionOptions {
  /** onnxruntime intra-op thread count for this session. */
  readonly intraOpThreads: number;
  /** onnxruntime execution providers in preference order, e.g. ['cpu'] or ['cuda', 'cpu']. */
  readonly executionProviders?: readonly string[];
  /** Let idle intra-op threads spin (onnxruntime's default: true). */
  readonly allowSpinning?: boolean;
  /**
   * Spin during a run but park the intra-op threads as soon as it ends (onnxruntime's
   * `session.force_spinning_stop`): for sessions that take turns on the same cores.
   */
  readonly stopSpinningAfterRun?: boolean;
  /**
   * Absolute path to write the graph onnxruntime will run, after all its optimisations, when the session opens
   * (`optimizedModelFilePath`). On CPUs with AVX2 that graph keeps convolutions in the blocked NCHWc layout, so it
   * only runs on the same kind of machine. The engine cuts it into segments (src/onnx/segment-graph.ts).
   */
  readonly saveOptimizedTo?: string;
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

/**
 * Where a call stands among the calls waiting in an executor: the device arbiter's order for the unit (the flow
 * selector's UnitRank), so work sent ahead for one model does not hold up a unit the arbiter would run first.
 */
export type RunRank = UnitRank;

/** Whether a call ranked `a` runs before one ranked `b` when both wait in an executor (SerialQueue's order). */
export function ranksBefore(a: RunRank, b: RunRank): boolean {
  if (a.cls !== b.cls) return a.cls < b.cls;
  return a.group === b.group ? a.tag < b.tag : a.groupTag < b.groupTag;
}

/** How an executor queues one run call behind the others it was sent. */
export interface RunOptions {
  /**
   * Without a rank, calls run in the order sent. Ranked calls that wait together (after the last unranked call still
   * waiting) run in rank order (`SerialQueue`), ties in the order sent; the call running is never interrupted.
   */
  readonly rank?: RunRank;
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
  run(key: string, inputs: readonly Tensor[], outputNames: readonly string[], options?: RunOptions): Promise<RunResult>;
  /** Keys of the sessions currently loaded. */
  loadedKeys(): readonly string[];
  close(): Promise<void>;
}

/**
 * A model cut into sequential segments (src/onnx/segment-graph.ts), loaded as one unit. The executor runs one
 * segment per call and keeps the tensors later segments need inside itself, per job.
 */
export interface SegmentedLoadSpec {
  /** Unique key, e.g. "resnet50@1#seg"; shares the namespace of LoadSpec keys (unload frees either). */
  readonly key: string;
  /** Absolute paths of the segment .onnx files, in execution order. */
  readonly paths: readonly string[];
  /** Outputs of the whole model, in order; default: the outputs of the last segment. */
  readonly outputNames?: readonly string[];
  readonly options: SessionOptions;
}

export interface LoadedSegments {
  readonly key: string;
  readonly segments: number;
  /** Inputs of the whole model: what the first runSegment call of a job must carry. */
  readonly inputs: readonly TensorSpec[];
  /** Outputs of the whole model, returned by the call that runs the last segment. */
  readonly outputs: readonly TensorSpec[];
  readonly loadMs: number;
}

export interface SegmentRunResult {
  /** True when this call ran the last segment; the job is then over and forgotten. */
  readonly done: boolean;
  /** The whole model's (selected) outputs when done; empty otherwise. */
  readonly outputs: readonly Tensor[];
  /** Time inside this segment's session.run, in nanoseconds. */
  readonly computeNs: number;
}

/**
 * Segment-by-segment execution, for executors that support it (see `supportsSegments`). A job is one inference
 * request (or batch) moving through the segments: segment 0 takes the model inputs and creates the job, every later
 * call must name the next segment, and the job is freed after its last segment, on `dropJob`, on any error, on
 * unload of its key, or when the executor dies (a call then fails UNAVAILABLE, retryable, and the job must be
 * restarted from segment 0).
 */
export interface SegmentExecutor {
  loadSegments(spec: SegmentedLoadSpec): Promise<LoadedSegments>;
  /**
   * Run segment `segmentIndex` of job `jobId`. `inputs` only for segment 0 (empty otherwise); `outputNames` selects
   * the outputs returned when done (all when empty). Errors: NOT_FOUND for an unknown key or job, ALREADY_EXISTS
   * when segment 0 names a running job, FAILED_PRECONDITION for a segment out of turn.
   */
  runSegment(key: string, jobId: string, segmentIndex: number, inputs: readonly Tensor[], outputNames: readonly string[], options?: RunOptions): Promise<SegmentRunResult>;
  /** Forget a job and free its tensors; resolves false when there was no such job. */
  dropJob(key: string, jobId: string): Promise<boolean>;
}

/** Whether an executor also runs segmented models. */
export function supportsSegments<E extends Executor>(executor: E): executor is E & SegmentExecutor {
  const e = executor as Partial<SegmentExecutor>;
  return typeof e.loadSegments === 'function' && typeof e.runSegment === 'function' && typeof e.dropJob === 'function';
}
