// Request bodies for the zoo's tiny-add model (sum = a + b over [N,16] FP32) and the expected sums.

import { TINY_ADD_WIDTH } from '../../src/repository/zoo/tiny-add.js';

export interface TinyAddRequest {
  readonly id?: string;
  readonly inputs: { name: string; datatype: 'FP32'; shape: number[]; data: number[] }[];
  readonly outputs?: { name: string; parameters?: { binary_data: boolean } }[];
}

/** Row r of `a` holds base + r + i/16 in column i; `b` is a constant, so every sum is easy to predict. */
export function tinyAddRequest(rows: number, base: number, b: number, id?: string): TinyAddRequest {
  return {
    ...(id === undefined ? {} : { id }),
    inputs: [
      { name: 'a', datatype: 'FP32', shape: [rows, TINY_ADD_WIDTH], data: tinyAddA(rows, base) },
      { name: 'b', datatype: 'FP32', shape: [rows, TINY_ADD_WIDTH], data: new Array<number>(rows * TINY_ADD_WIDTH).fill(b) },
    ],
  };
}

export function tinyAddA(rows: number, base: number): number[] {
  return Array.from({ length: rows * TINY_ADD_WIDTH }, (_, k) => base + Math.floor(k / TINY_ADD_WIDTH) + (k % TINY_ADD_WIDTH) / 16);
}

/** The `sum` a tinyAddRequest(rows, base, b) must produce (exact in FP32 for small bases). */
export function tinyAddSum(rows: number, base: number, b: number): number[] {
  return tinyAddA(rows, base).map((x) => x + b);
}
