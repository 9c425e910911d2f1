// Creating onnxruntime sessions and converting tensors to and from ORT, with errors mapped to ServingError codes.

import { existsSync } from 'node:fs';
import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { ORT_TYPE, fromOrtType } from '../core/datatype.js';
import { ServingError } from '../core/errors.js';
import type { TensorSpec } from '../core/inference.js';
import type { Tensor, TensorData } from '../core/tensor.js';
import type { SessionOptions } from './executor.js';

const DEFAULT_EXECUTION_PROVIDERS: readonly string[] = ['cpu'];

export interface OpenedSession {
  readonly session: InferenceSession;
  readonly inputs: TensorSpec[];
  readonly outputs: TensorSpec[];
}

/** NOT_FOUND for a missing file, INVALID_ARGUMENT with ORT's message otherwise. */
export async function openSession(path: string, options: SessionOptions): Promise<OpenedSession> {
  if (!existsSync(path)) throw new ServingError('NOT_FOUND', `model file '${path}' does not exist`);
  let session: InferenceSession;
  try {
    session = await InferenceSession.create(path, {
      intraOpNumThreads: options.intraOpThreads,
      executionProviders: options.executionProviders ?? DEFAULT_EXECUTION_PROVIDERS,
      graphOptimizationLevel: 'all',
      // Saving a blocked-layout graph logs a warning that it is hardware-specific, which the caller knows.
      ...(options.saveOptimizedTo === undefined ? {} : { optimizedModelFilePath: options.saveOptimizedTo, logSeverityLevel: 3 as const }),
      // Idle intra-op threads spin by default; when sessions take turns on the same cores (graph segments, fair
      // sharing) the spinning threads of one steal the cores of the next, so spinning can be switched off, or
      // stopped when each run ends (spinning inside a run keeps its operators' hand-offs fast).
      ...sessionConfig(options),
    });
  } catch (err) {
    throw new ServingError('INVALID_ARGUMENT', `cannot load '${path}': ${(err as Error).message}`, { cause: err });
  }
  try {
    return { session, inputs: session.inputMetadata.map(toTensorSpec), outputs: session.outputMetadata.map(toTensorSpec) };
  } catch (err) {
    await session.release();
    throw err;
  }
}

function sessionConfig(options: SessionOptions): { extra?: { session: Record<string, unknown> } } {
  const session: Record<string, unknown> = {};
  if (options.allowSpinning === false) session['intra_op'] = { allow_spinning: '0' };
  if (options.stopSpinningAfterRun === true) session['force_spinning_stop'] = '1';
  return Object.keys(session).length > 0 ? { extra: { session } } : {};
}

function toTensorSpec(meta: InferenceSession.ValueMetadata): TensorSpec {
  if (!meta.isTensor) throw new ServingError('UNIMPLEMENTED', `'${meta.name}' is not a tensor; only tensor inputs and outputs are served`);
  const datatype = fromOrtType(meta.type);
  if (datatype === undefined) throw new ServingError('UNIMPLEMENTED', `'${meta.name}' has unsupported type '${meta.type}'`);
  // Symbolic dimensions come back as their names; the protocol marks them -1.
  return { name: meta.name, datatype, shape: meta.shape.map((d) => (typeof d === 'number' ? d : -1)) };
}

/** Checks `inputs` against `specs` by name and type, and that none is missing; `owner` names the session in errors. */
export function toFeeds(owner: string, specs: ReadonlyMap<string, TensorSpec>, inputs: readonly Tensor[], copy = false): Record<string, OrtTensor> {
  const feeds: Record<string, OrtTensor> = {};
  for (const t of inputs) {
    const spec = specs.get(t.name);
    if (spec === undefined) throw new ServingError('INVALID_ARGUMENT', `session '${owner}' has no input '${t.name}'`);
    if (spec.datatype !== t.datatype) {
      throw new ServingError('INVALID_ARGUMENT', `input '${t.name}' must be ${spec.datatype}, got ${t.datatype}`);
    }
    // A copy detaches a tensor kept across calls from the (possibly larger) receive buffer it views.
    const data = copy ? (Array.isArray(t.data) ? [...t.data] : t.data.slice()) : t.data;
    feeds[t.name] = new OrtTensor(ORT_TYPE[t.datatype] as OrtTensor.Type, data, t.shape);
  }
  for (const name of specs.keys()) {
    if (feeds[name] === undefined) throw new ServingError('INVALID_ARGUMENT', `input '${name}' is missing`);
  }
  return feeds;
}

export function fromOrtTensor(name: string, value: InferenceSession.OnnxValueMapType[string] | undefined): Tensor {
  if (!(value instanceof OrtTensor)) throw new ServingError('INTERNAL', `output '${name}' was not produced as a tensor`);
  const datatype = fromOrtType(value.type);
  if (datatype === undefined) throw new ServingError('UNIMPLEMENTED', `output '${name}' has unsupported type '${value.type}'`);
  return { name, datatype, shape: value.dims, data: value.data as TensorData };
}
