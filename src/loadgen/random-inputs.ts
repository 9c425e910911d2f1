// Random input tensors built from a model's metadata: a dynamic first dimension takes `rows`, other dynamic ones 1.

import { ServingError } from '../core/errors.js';
import type { TensorSpec } from '../core/inference.js';
import { type Tensor, type TensorData, allocData, elementCount } from '../core/tensor.js';
import type { UniformSource } from '../sim/random-variates.js';
import { floatToHalf } from '../frontend/http/codec/float16.js';

/** Integer inputs draw from [0, INT_RANGE) so token ids and indices stay valid for small vocabularies. */
const INT_RANGE = 100;
const BYTES_ELEMENT_CHARS = 8;

export interface RandomInputOptions {
  /** Rows along a dynamic first dimension; default 1. */
  readonly rows?: number;
  /** Full shapes per input name, replacing the metadata's. */
  readonly shapes?: Readonly<Record<string, readonly number[]>>;
}

export function randomInputs(specs: readonly TensorSpec[], rng: UniformSource, o: RandomInputOptions = {}): Tensor[] {
  return specs.map((spec) => {
    const shape = o.shapes?.[spec.name] ?? spec.shape.map((d, i) => (d >= 0 ? d : i === 0 ? (o.rows ?? 1) : 1));
    if (shape.some((d) => d < 0)) throw new ServingError('INVALID_ARGUMENT', `input '${spec.name}': shape [${shape.join(',')}] has a dynamic dimension`);
    return { name: spec.name, datatype: spec.datatype, shape, data: fill(allocData(spec.datatype, elementCount(shape)), spec.datatype, rng) };
  });
}

function fill(data: TensorData, datatype: TensorSpec['datatype'], rng: UniformSource): TensorData {
  const int = (range: number): number => Math.floor(rng.nextFloat() * range);
  if (Array.isArray(data)) {
    for (let i = 0; i < data.length; i++) data[i] = Array.from({ length: BYTES_ELEMENT_CHARS }, () => String.fromCharCode(97 + int(26))).join('');
  } else if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    for (let i = 0; i < data.length; i++) data[i] = BigInt(int(INT_RANGE));
  } else if (data instanceof Float32Array || data instanceof Float64Array) {
    for (let i = 0; i < data.length; i++) data[i] = rng.nextFloat();
  } else {
    // FP16 holds half bit patterns; BOOL is 0/1; UINT8 images use the whole byte range.
    const draw = datatype === 'FP16' ? () => floatToHalf(rng.nextFloat()) : datatype === 'BOOL' ? () => int(2) : datatype === 'UINT8' ? () => int(256) : () => int(INT_RANGE);
    for (let i = 0; i < data.length; i++) data[i] = draw();
  }
  return data;
}
