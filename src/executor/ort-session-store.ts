// onnxruntime sessions by key: load, run and release, with errors mapped to ServingError codes.
// Used inside worker processes (worker-main.ts) and by the in-process executor; session.run blocks its thread.

import { existsSync } from 'node:fs';
import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { ORT_TYPE, fromOrtType } from '../core/datatype.js';
import { ServingError } from '../core/errors.js';
import type { TensorSpec } from '../core/inference.js';
import type { Tensor, TensorData } from '../core/tensor.js';
import type { LoadSpec, LoadedSession, RunResult } from './executor.js';

interface Entry {
  readonly session: InferenceSession;
  readonly info: LoadedSession;
  readonly inputsByName: ReadonlyMap<string, TensorSpec>;
  readonly outputNames: ReadonlySet<string>;
}

const DEFAULT_EXECUTION_PROVIDERS: readonly string[] = ['cpu'];

export class OrtSessionStore {
  private readonly entries = new Map<string, Entry>();

  keys(): string[] {
    return [...this.entries.keys()];
  }

  /** Load (or replace) a session. NOT_FOUND for a missing file, INVALID_ARGUMENT with ORT's message otherwise. */
  async load(spec: LoadSpec): Promise<LoadedSession> {
    if (!existsSync(spec.path)) throw new ServingError('NOT_FOUND', `model file '${spec.path}' does not exist`);
    const startMs = performance.now();
    let session: InferenceSession;
    try {
      session = await InferenceSession.create(spec.path, {
        intraOpNumThreads: spec.options.intraOpThreads,
        executionProviders: spec.options.executionProviders ?? DEFAULT_EXECUTION_PROVIDERS,
        graphOptimizationLevel: 'all',
      });
    } catch (err) {
      throw new ServingError('INVALID_ARGUMENT', `cannot load '${spec.path}': ${(err as Error).message}`, { cause: err });
    }
    let inputs: TensorSpec[];
    let outputs: TensorSpec[];
    try {
      inputs = session.inputMetadata.map(toTensorSpec);
      outputs = session.outputMetadata.map(toTensorSpec);
    } catch (err) {
      await session.release();
      throw err;
    }
    const info: LoadedSession = { key: spec.key, inputs, outputs, loadMs: performance.now() - startMs };
    const previous = this.entries.get(spec.key);
    this.entries.set(spec.key, {
      session,
      info,
      inputsByName: new Map(inputs.map((s) => [s.name, s])),
      outputNames: new Set(outputs.map((s) => s.name)),
    });
    if (previous !== undefined) await previous.session.release();
    return info;
  }

  async unload(key: string): Promise<void> {
    const entry = this.entry(key);
    this.entries.delete(key);
    await entry.session.release();
  }

  async run(key: string, inputs: readonly Tensor[], outputNames: readonly string[]): Promise<RunResult> {
    const entry = this.entry(key);
    const feeds = toFeeds(entry, inputs);
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

  async releaseAll(): Promise<void> {
    const sessions = [...this.entries.values()].map((e) => e.session);
    this.entries.clear();
    await Promise.allSettled(sessions.map((s) => s.release()));
  }

  private entry(key: string): Entry {
    const entry = this.entries.get(key);
    if (entry === undefined) throw new ServingError('NOT_FOUND', `no session '${key}' is loaded`);
    return entry;
  }
}

function toTensorSpec(meta: InferenceSession.ValueMetadata): TensorSpec {
  if (!meta.isTensor) throw new ServingError('UNIMPLEMENTED', `'${meta.name}' is not a tensor; only tensor inputs and outputs are served`);
  const datatype = fromOrtType(meta.type);
  if (datatype === undefined) throw new ServingError('UNIMPLEMENTED', `'${meta.name}' has unsupported type '${meta.type}'`);
  // Symbolic dimensions come back as their names; the protocol marks them -1.
  return { name: meta.name, datatype, shape: meta.shape.map((d) => (typeof d === 'number' ? d : -1)) };
}

function toFeeds(entry: Entry, inputs: readonly Tensor[]): Record<string, OrtTensor> {
  const feeds: Record<string, OrtTensor> = {};
  for (const t of inputs) {
    const spec = entry.inputsByName.get(t.name);
    if (spec === undefined) throw new ServingError('INVALID_ARGUMENT', `session '${entry.info.key}' has no input '${t.name}'`);
    if (spec.datatype !== t.datatype) {
      throw new ServingError('INVALID_ARGUMENT', `input '${t.name}' must be ${spec.datatype}, got ${t.datatype}`);
    }
    feeds[t.name] = new OrtTensor(ORT_TYPE[t.datatype] as OrtTensor.Type, t.data, t.shape);
  }
  for (const name of entry.inputsByName.keys()) {
    if (feeds[name] === undefined) throw new ServingError('INVALID_ARGUMENT', `input '${name}' is missing`);
  }
  return feeds;
}

function fromOrtTensor(name: string, value: InferenceSession.OnnxValueMapType[string] | undefined): Tensor {
  if (!(value instanceof OrtTensor)) throw new ServingError('INTERNAL', `output '${name}' was not produced as a tensor`);
  const datatype = fromOrtType(value.type);
  if (datatype === undefined) throw new ServingError('UNIMPLEMENTED', `output '${name}' has unsupported type '${value.type}'`);
  return { name, datatype, shape: value.dims, data: value.data as TensorData };
}
