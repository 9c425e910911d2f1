// Random inputs for a model's declared tensors at a given batch size, deterministic per seed, for profiling runs.

import type { DataType } from '../core/datatype.js';
import type { TensorSpec } from '../core/inference.js';
import { type Tensor, type TensorData, allocData, elementCount } from '../core/tensor.js';
import { SeededRandom, hashString } from '../onnx/seeded-random.js';

/** Integer inputs (token ids and the like) are drawn from [0, TOKEN_ID_LIMIT), clipped to the type's range. */
export const TOKEN_ID_LIMIT = 1000;
const MAX_STRING_CHARS = 8;
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

export interface InputGeneratorOptions {
  /** Size used for dynamic (-1) dimensions other than the batch dimension (default 1). */
  readonly dynamicDimSize?: number;
  /** Whether dimension 0 is the batch dimension (default true); when false, shapes are used as declared. */
  readonly batched?: boolean;
}

/** Concrete shape of `spec` at batch `batchSize`: dimension 0 is the batch, other -1 dimensions `dynamicDimSize`. */
export function concreteShape(spec: TensorSpec, batchSize: number, options: InputGeneratorOptions = {}): number[] {
  const batched = options.batched ?? true;
  const dyn = options.dynamicDimSize ?? 1;
  return spec.shape.map((d, i) => (i === 0 && batched ? batchSize : d < 0 ? dyn : d));
}

/**
 * One tensor per spec: FP32/FP64 uniform in [0, 1), FP16 the same as half-precision bits, integers in
 * [0, 1000) (masks all ones, type ids zeros, judged by name), BOOL 0/1, BYTES short lowercase strings.
 */
export function generateInputs(specs: readonly TensorSpec[], batchSize: number, seed: number, options: InputGeneratorOptions = {}): Tensor[] {
  return specs.map((spec) => {
    const shape = concreteShape(spec, batchSize, options);
    const rng = new SeededRandom((seed ^ hashString(spec.name)) >>> 0);
    return { name: spec.name, datatype: spec.datatype, shape, data: randomData(spec.name, spec.datatype, elementCount(shape), rng) };
  });
}

function randomData(name: string, dt: DataType, count: number, rng: SeededRandom): TensorData {
  const data = allocData(dt, count);
  switch (dt) {
    case 'FP32':
    case 'FP64':
      for (let i = 0; i < count; i++) (data as Float32Array | Float64Array)[i] = rng.nextFloat();
      return data;
    case 'FP16':
      for (let i = 0; i < count; i++) (data as Uint16Array)[i] = halfBits(rng.nextFloat());
      return data;
    case 'BOOL':
      for (let i = 0; i < count; i++) (data as Uint8Array)[i] = rng.nextInt(2);
      return data;
    case 'BYTES':
      for (let i = 0; i < count; i++) (data as string[])[i] = randomWord(rng);
      return data;
    case 'INT64':
    case 'UINT64': {
      const out = data as BigInt64Array | BigUint64Array;
      for (let i = 0; i < count; i++) out[i] = BigInt(intValue(name, TOKEN_ID_LIMIT, rng));
      return data;
    }
    default: {
      const limit = Math.min(TOKEN_ID_LIMIT, INT_LIMIT[dt]);
      const out = data as Exclude<TensorData, string[] | BigInt64Array | BigUint64Array>;
      for (let i = 0; i < count; i++) out[i] = intValue(name, limit, rng);
      return data;
    }
  }
}

/** Exclusive upper bound of non-negative values each small integer type holds. */
const INT_LIMIT: Record<'INT8' | 'UINT8' | 'INT16' | 'UINT16' | 'INT32' | 'UINT32', number> = {
  INT8: 128,
  UINT8: 256,
  INT16: 32768,
  UINT16: 65536,
  INT32: 2 ** 31,
  UINT32: 2 ** 32,
};

/** Attention masks are all ones and token type ids zeros, so transformer inputs stay meaningful. */
function intValue(name: string, limit: number, rng: SeededRandom): number {
  const lower = name.toLowerCase();
  if (lower.includes('mask')) return 1;
  if (lower.includes('type')) return 0;
  return rng.nextInt(limit);
}

function randomWord(rng: SeededRandom): string {
  const length = 1 + rng.nextInt(MAX_STRING_CHARS);
  let word = '';
  for (let i = 0; i < length; i++) word += LETTERS[rng.nextInt(LETTERS.length)];
  return word;
}

/** IEEE half-precision bits of v in [0, 1) (values below the smallest normal half become 0). */
function halfBits(v: number): number {
  if (v < 2 ** -14) return 0;
  const exponent = Math.floor(Math.log2(v));
  const mantissa = Math.round((v / 2 ** exponent - 1) * 1024);
  // Rounding up to 1024 carries into the exponent, which the addition does by itself.
  return ((exponent + 15) << 10) + mantissa;
}

/** The first `batchSize` rows of batched tensors (views, no copy), so one generation serves every smaller batch. */
export function firstRows(tensors: readonly Tensor[], batchSize: number): Tensor[] {
  return tensors.map((t) => {
    const rows = t.shape[0] ?? 0;
    if (batchSize >= rows) return t;
    const perRow = rows === 0 ? 0 : t.data.length / rows;
    const data = Array.isArray(t.data) ? t.data.slice(0, batchSize * perRow) : t.data.subarray(0, batchSize * perRow);
    return { ...t, shape: [batchSize, ...t.shape.slice(1)], data };
  });
}
