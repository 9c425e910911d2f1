// Executor running onnxruntime in the calling process. ONLY for tests and the bench's raw baseline:
// session.run blocks this process's event loop for the whole inference, so a server must use worker processes.

import type { Tensor } from '../core/tensor.js';
import type {
  Executor,
  LoadSpec,
  LoadedSegments,
  LoadedSession,
  RunOptions,
  RunResult,
  SegmentExecutor,
  SegmentRunResult,
  SegmentedLoadSpec,
} from './executor.js';
import { OrtSessionStore } from './ort-session-store.js';
import { SerialQueue } from './serial-queue.js';

export class InProcessExecutor implements Executor, SegmentExecutor {
  private readonly store = new OrtSessionStore();
  /** Serialises calls like a worker does, so results (and the order of ranked runs) match the worker path. */
  private readonly queue = new SerialQueue();

  constructor(readonly id = 'in-process') {}

  load(spec: LoadSpec): Promise<LoadedSession> {
    return this.serially(() => this.store.load(spec));
  }

  unload(key: string): Promise<void> {
    return this.serially(() => this.store.unload(key));
  }

  run(key: string, inputs: readonly Tensor[], outputNames: readonly string[], options?: RunOptions): Promise<RunResult> {
    return this.queue.push(() => this.store.run(key, inputs, outputNames), options?.rank);
  }

  loadSegments(spec: SegmentedLoadSpec): Promise<LoadedSegments> {
    return this.serially(() => this.store.loadSegments(spec));
  }

  runSegment(key: string, jobId: string, segmentIndex: number, inputs: readonly Tensor[], outputNames: readonly string[], options?: RunOptions): Promise<SegmentRunResult> {
    return this.queue.push(() => this.store.runSegment(key, jobId, segmentIndex, inputs, outputNames), options?.rank);
  }

  dropJob(key: string, jobId: string): Promise<boolean> {
    return this.serially(async () => this.store.dropJob(key, jobId));
  }

  /** Jobs holding intermediate tensors (for tests: a dropped or finished job holds none). */
  jobCount(): number {
    return this.store.jobCount();
  }

  loadedKeys(): readonly string[] {
    return this.store.keys();
  }

  close(): Promise<void> {
    return this.serially(() => this.store.releaseAll());
  }

  private serially<T>(fn: () => Promise<T>): Promise<T> {
    return this.queue.push(fn);
  }
}
