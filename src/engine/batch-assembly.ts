// Concatenates requests' inputs along dimension 0 into one batch, and splits a batch's outputs back per request.

import { ServingError } from '../core/errors.js';
import type { Tensor, TensorData } from '../core/tensor.js';
import { allocData } from '../core/tensor.js';

/** Joins tensors of the same name from each request (in order); rows[i] is request i's dimension-0 size. */
export function concatInputs(perRequest: readonly (readonly Tensor[])[], names: readonly string[]): Tensor[] {
  const first = perRequest[0];
  if (first === undefined) return [];
  if (perRequest.length === 1) return [...first];
  return names.map((name) => {
    const parts = perRequest.map((ts) => ts.find((t) => t.name === name) as Tensor);
    const head = parts[0] as Tensor;
    let total = 0;
    let rows = 0;
    for (const p of parts) {
      total += p.data.length;
      rows += p.shape[0] as number;
    }
    const data = allocData(head.datatype, total);
    let off = 0;
    for (const p of parts) {
      if (Array.isArray(data)) {
        for (let i = 0; i < p.data.length; i++) data[off + i] = (p.data as string[])[i] as string;
      } else {
        (data as Exclude<TensorData, string[]> & { set(a: ArrayLike<number | bigint>, o: number): void }).set(
          p.data as ArrayLike<number | bigint>,
          off,
        );
      }
      off += p.data.length;
    }
    return { name, datatype: head.datatype, shape: [rows, ...head.shape.slice(1)], data };
  });
}

/** Splits batched outputs back into per-request outputs by row counts (views, no copies for typed arrays). */
export function splitOutputs(outputs: readonly Tensor[], rows: readonly number[]): Tensor[][] {
  if (rows.length === 1) return [[...outputs]];
  const total = rows.reduce((a, b) => a + b, 0);
  const result: Tensor[][] = rows.map(() => []);
  for (const out of outputs) {
    if (out.shape[0] !== total) {
      throw new ServingError(
        'INTERNAL',
        `output '${out.name}' has ${String(out.shape[0])} rows for a batch of ${total}; the model does not batch along dimension 0`,
      );
    }
    const perRow = total === 0 ? 0 : out.data.length / total;
    let row = 0;
    rows.forEach((r, i) => {
      const start = row * perRow;
      const end = (row + r) * perRow;
      const data = Array.isArray(out.data) ? out.data.slice(start, end) : out.data.subarray(start, end);
      (result[i] as Tensor[]).push({ name: out.name, datatype: out.datatype, shape: [r, ...out.shape.slice(1)], data });
      row += r;
    });
  }
  return result;
}
