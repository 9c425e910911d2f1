// Merges what the ONNX graph declares (from the executor) with the model's config into the served signature.

import { ServingError } from '../core/errors.js';
import type { TensorSpec } from '../core/inference.js';
import type { LoadedSession } from '../executor/executor.js';
import type { ModelConfig, TensorConfig } from '../repository/model-config.js';

export interface ModelSignature {
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  /** 0: no batching along dimension 0. */
  readonly maxBatchSize: number;
}

function fmt(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

function batchable(specs: readonly TensorSpec[]): boolean {
  return specs.every((s) => s.shape.length > 0 && (s.shape[0] as number) < 0);
}

function merge(kind: string, graph: readonly TensorSpec[], overrides: readonly TensorConfig[] | undefined, maxBatchSize: number): TensorSpec[] {
  for (const o of overrides ?? []) {
    if (!graph.some((g) => g.name === o.name)) {
      throw new ServingError(
        'INVALID_ARGUMENT',
        `config ${kind} '${o.name}' is not in the model; the model's ${kind}s are ${graph.map((g) => `'${g.name}'`).join(', ')}`,
      );
    }
  }
  return graph.map((g) => {
    if (maxBatchSize > 0 && (g.shape.length === 0 || ((g.shape[0] as number) >= 0 && g.shape[0] !== 1))) {
      throw new ServingError(
        'INVALID_ARGUMENT',
        `${kind} '${g.name}' has shape ${fmt(g.shape)} with no variable first dimension, but max_batch_size is ${maxBatchSize}`,
      );
    }
    const graphShape = maxBatchSize > 0 ? [-1, ...g.shape.slice(1)] : [...g.shape];
    const o = overrides?.find((x) => x.name === g.name);
    if (o === undefined) return { name: g.name, datatype: g.datatype, shape: graphShape };
    if (o.datatype !== undefined && o.datatype !== g.datatype) {
      throw new ServingError('INVALID_ARGUMENT', `config ${kind} '${g.name}' declares ${o.datatype} but the model has ${g.datatype}`);
    }
    let shape = graphShape;
    if (o.dims !== undefined) {
      const declared = maxBatchSize > 0 ? [-1, ...o.dims] : [...o.dims];
      const fits = declared.length === graphShape.length && declared.every((d, i) => (graphShape[i] as number) < 0 || d < 0 || d === graphShape[i]);
      if (!fits) {
        throw new ServingError(
          'INVALID_ARGUMENT',
          `config ${kind} '${g.name}' dims ${fmt(declared)} do not fit the model's shape ${fmt(graphShape)}`,
        );
      }
      shape = declared;
    }
    return { name: g.name, datatype: g.datatype, shape };
  });
}

export function modelSignature(config: ModelConfig, session: LoadedSession, defaultMaxBatchSize: number): ModelSignature {
  const canBatch = batchable(session.inputs) && batchable(session.outputs);
  const maxBatchSize = config.maxBatchSize ?? (canBatch ? defaultMaxBatchSize : 0);
  return {
    maxBatchSize,
    inputs: merge('input', session.inputs, config.inputs, maxBatchSize),
    outputs: merge('output', session.outputs, config.outputs, maxBatchSize),
  };
}
