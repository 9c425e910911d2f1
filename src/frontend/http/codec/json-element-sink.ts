// Type-checks JSON tensor elements for one datatype and stores them into a preallocated flat array.

import type { DataType } from '../../../core/datatype.js';
import { allocData, type TensorData } from '../../../core/tensor.js';
import { floatToHalf } from './float16.js';

export interface JsonElementSink {
  readonly data: TensorData;
  /** What a valid element looks like, for error messages. */
  readonly expected: string;
  /** Stores `value` at `index` (typed arrays ignore writes past the end); false when it is not a valid element. */
  put(value: unknown, index: number): boolean;
}

const INT_RANGES = {
  INT8: [-(2 ** 7), 2 ** 7 - 1],
  UINT8: [0, 2 ** 8 - 1],
  INT16: [-(2 ** 15), 2 ** 15 - 1],
  UINT16: [0, 2 ** 16 - 1],
  INT32: [-(2 ** 31), 2 ** 31 - 1],
  UINT32: [0, 2 ** 32 - 1],
} as const;

const BIG_RANGES = {
  INT64: [-(2n ** 63n), 2n ** 63n - 1n],
  UINT64: [0n, 2n ** 64n - 1n],
} as const;

const DECIMAL = /^-?\d+$/;

/** A JSON number or decimal string as a BigInt, or undefined when it is neither (or a number past 2^53). */
function toBigInt(value: unknown): bigint | undefined {
  // Beyond 2^53 JSON.parse has already rounded the number, so only exact (safe) integers are trusted.
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : undefined;
  if (typeof value === 'string' && DECIMAL.test(value)) return BigInt(value);
  return undefined;
}

export function jsonElementSink(dt: DataType, count: number): JsonElementSink {
  switch (dt) {
    case 'FP32':
    case 'FP64': {
      const data = allocData(dt, count) as Float32Array | Float64Array;
      const put = (v: unknown, i: number): boolean => {
        if (typeof v !== 'number') return false;
        data[i] = v;
        return true;
      };
      return { data, expected: 'a number', put };
    }
    case 'FP16': {
      const data = allocData(dt, count) as Uint16Array;
      const put = (v: unknown, i: number): boolean => {
        if (typeof v !== 'number') return false;
        data[i] = floatToHalf(v);
        return true;
      };
      return { data, expected: 'a number', put };
    }
    case 'BOOL': {
      const data = allocData(dt, count) as Uint8Array;
      const put = (v: unknown, i: number): boolean => {
        if (typeof v !== 'boolean') return false;
        data[i] = v ? 1 : 0;
        return true;
      };
      return { data, expected: 'true or false', put };
    }
    case 'BYTES': {
      const data = allocData(dt, count) as string[];
      const put = (v: unknown, i: number): boolean => {
        if (typeof v !== 'string') return false;
        data[i] = v; // past the end only on a count mismatch, which the caller then rejects
        return true;
      };
      return { data, expected: 'a string', put };
    }
    case 'INT64':
    case 'UINT64': {
      const [min, max] = BIG_RANGES[dt];
      const data = allocData(dt, count) as BigInt64Array | BigUint64Array;
      return {
        data,
        expected: `an integer in [${min}, ${max}] (a JSON number up to 2^53, else a decimal string)`,
        put: (v, i) => {
          const big = toBigInt(v);
          if (big === undefined || big < min || big > max) return false;
          data[i] = big;
          return true;
        },
      };
    }
    default: {
      const [min, max] = INT_RANGES[dt];
      const data = allocData(dt, count) as Exclude<TensorData, string[] | BigInt64Array | BigUint64Array>;
      const put = (v: unknown, i: number): boolean => {
        if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) return false;
        data[i] = v;
        return true;
      };
      return { data, expected: `an integer in [${min}, ${max}]`, put };
    }
  }
}
