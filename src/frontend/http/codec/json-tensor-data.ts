// Tensor data as a flat JSON-ready array: numbers, booleans, strings; 64-bit integers past 2^53 as decimal strings.

import type { Tensor } from '../../../core/tensor.js';
import { halfToFloat } from './float16.js';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

function bigToJson(value: bigint): number | string {
  return value >= MIN_SAFE && value <= MAX_SAFE ? Number(value) : value.toString();
}

/**
 * Floats are left as numbers so JSON.stringify writes them (shortest round-trip text; NaN and infinities become
 * null, as JSON has no spelling for them). Measured on a [32,1000] FP32 tensor, JSON.stringify(Array.from(data))
 * beat typed-array join and string concatenation.
 */
export function jsonTensorData(tensor: Tensor): unknown[] {
  const { datatype, data } = tensor;
  if (Array.isArray(data)) return data;
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return Array.from(data, bigToJson);
  if (datatype === 'BOOL') return Array.from(data, (v) => v !== 0);
  if (datatype === 'FP16') return Array.from(data, halfToFloat);
  return Array.from(data);
}
