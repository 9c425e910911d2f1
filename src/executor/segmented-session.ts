// One segmented model inside an executor: a session per segment, and the jobs moving through them with the
// tensors later segments still need. Runs are serialised by the caller (the worker's queue), so no locking here.

import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { ServingError } from '../core/errors.js';
import type { TensorSpec } from '../core/inference.js';
import type { Tensor } from '../core/tensor.js';
import type { LoadedSegments, SegmentRunResult, SegmentedLoadSpec } from './executor.js';
import { fromOrtTensor, openSession, toFeeds } from './ort-session-open.js';
import { type SegmentPlan, planSegments } from './segment-plan.js';

interface Job {
  /** The segment the job runs next. */
  next: number;
  readonly tensors: Map<string, OrtTensor>;
}

export class SegmentedSession {
  private readonly jobs = new Map<string, Job>();

  private constructor(
    readonly info: LoadedSegments,
    private readonly sessions: readonly InferenceSession[],
    private readonly plan: SegmentPlan,
    private readonly inputsByName: ReadonlyMap<string, TensorSpec>,
  ) {}

  /** Opens every segment; on any failure the ones already open are released. */
  static async open(spec: SegmentedLoadSpec): Promise<SegmentedSession> {
    if (spec.paths.length === 0) throw new ServingError('INVALID_ARGUMENT', `segmented model '${spec.key}' has no segments`);
    const startMs = performance.now();
    const opened: Awaited<ReturnType<typeof openSession>>[] = [];
    try {
      for (const path of spec.paths) opened.push(await openSession(path, spec.options));
      const io = opened.map((o) => ({ inputs: o.inputs.map((s) => s.name), outputs: o.outputs.map((s) => s.name) }));
      const plan = planSegments(io, spec.outputNames);
      const specs = new Map<string, TensorSpec>();
      for (const o of opened) for (const s of [...o.inputs, ...o.outputs]) if (!specs.has(s.name)) specs.set(s.name, s);
      const pick = (names: readonly string[]): TensorSpec[] => names.map((n) => specs.get(n) as TensorSpec);
      const info: LoadedSegments = {
        key: spec.key,
        segments: opened.length,
        inputs: pick(plan.modelInputs),
        outputs: pick(plan.modelOutputs),
        loadMs: performance.now() - startMs,
      };
      return new SegmentedSession(info, opened.map((o) => o.session), plan, new Map(info.inputs.map((s) => [s.name, s])));
    } catch (err) {
      await Promise.allSettled(opened.map((o) => o.session.release()));
      throw err;
    }
  }

  get jobCount(): number {
    return this.jobs.size;
  }

  /** Calls rejected before running (unknown job, out of turn, bad arguments) leave the job as it was. */
  async run(jobId: string, segmentIndex: number, inputs: readonly Tensor[], outputNames: readonly string[]): Promise<SegmentRunResult> {
    const key = this.info.key;
    if (!Number.isInteger(segmentIndex) || segmentIndex < 0 || segmentIndex >= this.sessions.length) {
      throw new ServingError('INVALID_ARGUMENT', `'${key}' has segments 0..${this.sessions.length - 1}, not ${segmentIndex}`);
    }
    for (const name of outputNames) {
      if (!this.plan.modelOutputs.includes(name)) throw new ServingError('INVALID_ARGUMENT', `'${key}' has no output '${name}'`);
    }
    const job = segmentIndex === 0 ? this.start(jobId, inputs) : this.resume(jobId, segmentIndex, inputs);
    try {
      return await this.step(job, segmentIndex, outputNames);
    } catch (err) {
      this.jobs.delete(jobId);
      throw err;
    } finally {
      if (job.next >= this.sessions.length) this.jobs.delete(jobId);
    }
  }

  drop(jobId: string): boolean {
    return this.jobs.delete(jobId);
  }

  async release(): Promise<void> {
    this.jobs.clear();
    await Promise.allSettled(this.sessions.map((s) => s.release()));
  }

  private start(jobId: string, inputs: readonly Tensor[]): Job {
    if (this.jobs.has(jobId)) throw new ServingError('ALREADY_EXISTS', `job '${jobId}' of '${this.info.key}' is already running`);
    const job: Job = { next: 0, tensors: new Map(Object.entries(toFeeds(this.info.key, this.inputsByName, inputs, true))) };
    this.jobs.set(jobId, job);
    return job;
  }

  private resume(jobId: string, segmentIndex: number, inputs: readonly Tensor[]): Job {
    const job = this.jobs.get(jobId);
    if (job === undefined) {
      throw new ServingError(
        'NOT_FOUND',
        `no job '${jobId}' of '${this.info.key}' (it finished, was dropped or failed, or the executor restarted); start it again at segment 0`,
      );
    }
    if (job.next !== segmentIndex) {
      throw new ServingError('FAILED_PRECONDITION', `job '${jobId}' of '${this.info.key}' runs segment ${job.next} next, not ${segmentIndex}`);
    }
    if (inputs.length > 0) throw new ServingError('INVALID_ARGUMENT', 'only segment 0 takes inputs; later segments read what the job kept');
    return job;
  }

  private async step(job: Job, k: number, outputNames: readonly string[]): Promise<SegmentRunResult> {
    const session = this.sessions[k] as InferenceSession;
    const feeds: Record<string, OrtTensor> = {};
    for (const name of session.inputNames) {
      const t = job.tensors.get(name);
      if (t === undefined) throw new ServingError('INTERNAL', `segment ${k} of '${this.info.key}' reads '${name}', which the job does not hold`);
      feeds[name] = t;
    }
    const startNs = process.hrtime.bigint();
    let results: InferenceSession.OnnxValueMapType;
    try {
      results = await session.run(feeds);
    } catch (err) {
      throw new ServingError('INVALID_ARGUMENT', `segment ${k} of '${this.info.key}': ${(err as Error).message}`, { cause: err });
    }
    const computeNs = Number(process.hrtime.bigint() - startNs);
    for (const name of session.outputNames) job.tensors.set(name, results[name] as OrtTensor);
    for (const name of this.plan.releaseAfter[k] ?? []) job.tensors.delete(name);
    job.next = k + 1;
    if (job.next < this.sessions.length) return { done: false, outputs: [], computeNs };
    const names = outputNames.length > 0 ? outputNames : this.plan.modelOutputs;
    return { done: true, outputs: names.map((name) => fromOrtTensor(name, job.tensors.get(name))), computeNs };
  }
}
