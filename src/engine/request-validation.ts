// Checks an inference request against a model version's declared tensors; every message names the tensor.

import { ServingError } from '../core/errors.js';
import type { InferRequest, TensorSpec } from '../core/inference.js';
import { elementCount } from '../core/tensor.js';

export interface ValidatedRequest {
  /** Rows along dimension 0 (1 for models without batching). */
  readonly rows: number;
  /** Shapes past dimension 0 and datatypes: requests batch together only when these agree. */
  readonly shapeKey: string;
  /** Requested output names in model order; empty means all. */
  readonly outputNames: readonly string[];
}

function fmt(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

export function validateRequest(
  req: InferRequest,
  inputs: readonly TensorSpec[],
  outputs: readonly TensorSpec[],
  maxBatchSize: number,
): ValidatedRequest {
  const byName = new Map<string, InferRequest['inputs'][number]>();
  for (const t of req.inputs) {
    if (byName.has(t.name)) throw new ServingError('INVALID_ARGUMENT', `input '${t.name}' is given more than once`);
    byName.set(t.name, t);
  }
  for (const name of byName.keys()) {
    if (!inputs.some((s) => s.name === name)) {
      throw new ServingError(
        'INVALID_ARGUMENT',
        `unexpected input '${name}' for model '${req.model}'; its inputs are ${inputs.map((s) => `'${s.name}'`).join(', ')}`,
      );
    }
  }
  let rows: number | undefined;
  const keyParts: string[] = [];
  for (const spec of inputs) {
    const t = byName.get(spec.name);
    if (t === undefined) throw new ServingError('INVALID_ARGUMENT', `missing input '${spec.name}' for model '${req.model}'`);
    if (t.datatype !== spec.datatype) {
      throw new ServingError(
        'INVALID_ARGUMENT',
        `input '${spec.name}': datatype ${t.datatype} does not match the model's ${spec.datatype}`,
      );
    }
    const shapeOk =
      t.shape.length === spec.shape.length && spec.shape.every((d, i) => d < 0 || d === t.shape[i]);
    if (!shapeOk) {
      throw new ServingError(
        'INVALID_ARGUMENT',
        `input '${spec.name}': shape ${fmt(t.shape)} does not match the model's ${fmt(spec.shape)} (-1 is any size)`,
      );
    }
    const expected = elementCount(t.shape);
    if (t.data.length !== expected) {
      throw new ServingError(
        'INVALID_ARGUMENT',
        `input '${spec.name}': ${t.data.length} elements given but shape ${fmt(t.shape)} needs ${expected}`,
      );
    }
    if (maxBatchSize > 0) {
      const r = t.shape[0] as number;
      if (rows === undefined) rows = r;
      else if (rows !== r) {
        throw new ServingError('INVALID_ARGUMENT', `input '${spec.name}': batch size ${r} differs from the other inputs' ${rows}`);
      }
    }
    keyParts.push(`${t.datatype}${fmt(maxBatchSize > 0 ? t.shape.slice(1) : t.shape)}`);
  }
  if (maxBatchSize > 0) {
    if (rows === undefined || rows < 1) throw new ServingError('INVALID_ARGUMENT', `batch size must be at least 1`);
    if (rows > maxBatchSize) {
      throw new ServingError(
        'INVALID_ARGUMENT',
        `batch size ${rows} exceeds the max_batch_size ${maxBatchSize} of model '${req.model}'`,
      );
    }
  }
  const outputNames: string[] = [];
  for (const o of req.outputs ?? []) {
    if (!outputs.some((s) => s.name === o.name)) {
      throw new ServingError(
        'INVALID_ARGUMENT',
        `unknown output '${o.name}' for model '${req.model}'; its outputs are ${outputs.map((s) => `'${s.name}'`).join(', ')}`,
      );
    }
    if (!outputNames.includes(o.name)) outputNames.push(o.name);
  }
  return { rows: rows ?? 1, shapeKey: keyParts.join(';'), outputNames };
}
