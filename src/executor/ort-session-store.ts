// onnxruntime sessions by key: load, run and release, with errors mapped to ServingError codes; also segmented
// models (one session per segment, intermediates kept per job). Used inside worker processes (worker-main.ts) and
// by the in-process executor; session.run blocks its thread.

import type { InferenceSession } from 'onnxruntime-node';
import { ServingError } from '../core/errors.js';
import type { TensorSpec } from '../core/inference.js';
import type { Tensor } from '../core/tensor.js';
import type { LoadSpec, LoadedSegments, LoadedSession, RunResult, SegmentRunResult, SegmentedLoadSpec } from './executor.js';
import { fromOrtTensor, openSession, toFeeds } from './ort-session-open.js';
import { SegmentedSession } from './segmented-session.js';

interface Entry {
  readonly session: InferenceSession;
  readonly info: LoadedSession;
  readonly inputsByName: ReadonlyMap<string, TensorSpec>;
  readonly outputNames: ReadonlySet<string>;
}

export class OrtSessionStore {
  private readonly entries = new Map<string, Entry>();
  /** Segmented models; their keys share one namespace with `entries` (loading either kind replaces the other). */
  private readonly segmented = new Map<string, SegmentedSession>();

  keys(): string[] {
    return [...this.entries.keys(), ...this.segmented.keys()];
  }

  /** Load (or replace) a session. NOT_FOUND for a missing file, INVALID_ARGUMENT with ORT's message otherwise. */
  async load(spec: LoadSpec): Promise<LoadedSession> {
    const startMs = performance.now();
    const { session, inputs, outputs } = await openSession(spec.path, spec.options);
    const info: LoadedSession = { key: spec.key, inputs, outputs, loadMs: performance.now() - startMs };
    const previous = this.entries.get(spec.key);
    this.entries.set(spec.key, {
      session,
      info,
      inputsByName: new Map(inputs.map((s) => [s.name, s])),
      outputNames: new Set(outputs.map((s) => s.name)),
    });
    if (previous !== undefined) await previous.session.release();
    await this.releaseSegmented(spec.key);
    return info;
  }

  /** Load (or replace) a segmented model: one session per segment file, in order. */
  async loadSegments(spec: SegmentedLoadSpec): Promise<LoadedSegments> {
    const model = await SegmentedSession.open(spec);
    const previous = this.segmented.get(spec.key);
    this.segmented.set(spec.key, model);
    await previous?.release(); // its jobs go with it
    const plain = this.entries.get(spec.key);
    this.entries.delete(spec.key);
    await plain?.session.release();
    return model.info;
  }

  async unload(key: string): Promise<void> {
    if (this.segmented.has(key)) return this.releaseSegmented(key);
    const entry = this.entry(key);
    this.entries.delete(key);
    await entry.session.release();
  }

  async run(key: string, inputs: readonly Tensor[], outputNames: readonly string[]): Promise<RunResult> {
    const entry = this.entry(key);
    const feeds = toFeeds(key, entry.inputsByName, inputs);
    for (const name of outputNames) {
      if (!entry.outputNames.has(name)) throw new ServingError('INVALID_ARGUMENT', `session '${key}' has no output '${name}'`);
    }
    const startNs = process.hrtime.bigint();
    let results: InferenceSession.OnnxValueMapType;
    try {
      results = outputNames.length > 0 ? await entry.session.run(feeds, outputNames) : await entry.session.run(feeds);
    } catch (err) {
      // Feeds are checked by name and type above; what ORT still rejects is almost always a shape mismatch.
      throw new ServingError('INVALID_ARGUMENT', `session '${key}': ${(err as Error).message}`, { cause: err });
    }
    const computeNs = Number(process.hrtime.bigint() - startNs);
    const names = outputNames.length > 0 ? outputNames : entry.info.outputs.map((o) => o.name);
    return { outputs: names.map((name) => fromOrtTensor(name, results[name])), computeNs };
  }

  runSegment(key: string, jobId: string, segmentIndex: number, inputs: readonly Tensor[], outputNames: readonly string[]): Promise<SegmentRunResult> {
    return this.segmentedModel(key).run(jobId, segmentIndex, inputs, outputNames);
  }

  dropJob(key: string, jobId: string): boolean {
    return this.segmentedModel(key).drop(jobId);
  }

  /** Jobs currently holding intermediate tensors, over all segmented models. */
  jobCount(): number {
    let n = 0;
    for (const model of this.segmented.values()) n += model.jobCount;
    return n;
  }

  async releaseAll(): Promise<void> {
    const sessions = [...this.entries.values()].map((e) => e.session);
    const models = [...this.segmented.values()];
    this.entries.clear();
    this.segmented.clear();
    await Promise.allSettled([...sessions.map((s) => s.release()), ...models.map((m) => m.release())]);
  }

  private async releaseSegmented(key: string): Promise<void> {
    const model = this.segmented.get(key);
    this.segmented.delete(key);
    await model?.release();
  }

  private entry(key: string): Entry {
    const entry = this.entries.get(key);
    if (entry !== undefined) return entry;
    if (this.segmented.has(key)) throw new ServingError('FAILED_PRECONDITION', `'${key}' is a segmented model; run it with runSegment`);
    throw new ServingError('NOT_FOUND', `no session '${key}' is loaded`);
  }

  private segmentedModel(key: string): SegmentedSession {
    const model = this.segmented.get(key);
    if (model !== undefined) return model;
    if (this.entries.has(key)) throw new ServingError('FAILED_PRECONDITION', `'${key}' is not a segmented model; run it with run`);
    throw new ServingError('NOT_FOUND', `no segmented model '${key}' is loaded`);
  }
}
