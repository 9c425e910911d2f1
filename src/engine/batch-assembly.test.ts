// Batch assembly: inputs concatenate along dimension 0 and outputs split back to each request's rows.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Tensor } from '../core/tensor.js';
import { concatInputs, splitOutputs } from './batch-assembly.js';

const t = (name: string, rows: number, start: number): Tensor => ({
  name,
  datatype: 'FP32',
  shape: [rows, 2],
  data: Float32Array.from({ length: rows * 2 }, (_, i) => start + i),
});

test('inputs of several requests concatenate in request order along dimension 0', () => {
  const [x] = concatInputs([[t('x', 1, 0)], [t('x', 2, 10)]], ['x']);
  assert.deepEqual(x?.shape, [3, 2]);
  assert.deepEqual([...(x?.data as Float32Array)], [0, 1, 10, 11, 12, 13]);
});

test('BYTES inputs concatenate as strings', () => {
  const s = (v: string[]): Tensor => ({ name: 's', datatype: 'BYTES', shape: [v.length], data: v });
  const [x] = concatInputs([[s(['a'])], [s(['b', 'c'])]], ['s']);
  assert.deepEqual(x?.data, ['a', 'b', 'c']);
});

test('outputs split back into each request rows', () => {
  const parts = splitOutputs([t('y', 3, 0)], [1, 2]);
  assert.deepEqual(parts[0]?.[0]?.shape, [1, 2]);
  assert.deepEqual([...(parts[0]?.[0]?.data as Float32Array)], [0, 1]);
  assert.deepEqual(parts[1]?.[0]?.shape, [2, 2]);
  assert.deepEqual([...(parts[1]?.[0]?.data as Float32Array)], [2, 3, 4, 5]);
});

test('an output whose first dimension is not the batch is an INTERNAL error, not a silent mix-up', () => {
  assert.throws(() => splitOutputs([t('y', 2, 0)], [1, 2]), (e: Error & { code?: string }) => e.code === 'INTERNAL');
});
