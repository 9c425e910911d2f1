// Unit tests of random profiling inputs: shapes, value ranges per datatype, determinism per seed.

import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { TensorSpec } from '../core/inference.js';
import { concreteShape, firstRows, generateInputs } from './input-generator.js';

const specs: TensorSpec[] = [
  { name: 'image', datatype: 'FP32', shape: [-1, 3, 4, 4] },
  { name: 'input_ids', datatype: 'INT64', shape: [-1, 128] },
  { name: 'attention_mask', datatype: 'INT32', shape: [-1, 128] },
  { name: 'flag', datatype: 'BOOL', shape: [-1] },
  { name: 'small', datatype: 'INT8', shape: [-1, 64] },
  { name: 'half', datatype: 'FP16', shape: [-1, 8] },
  { name: 'text', datatype: 'BYTES', shape: [-1, 2] },
];

it('shapes every input at the batch size, other dynamic dimensions at their default', () => {
  const inputs = generateInputs(specs, 4, 1);
  assert.deepEqual(inputs.map((t) => t.shape), [[4, 3, 4, 4], [4, 128], [4, 128], [4], [4, 64], [4, 8], [4, 2]]);
  assert.deepEqual(concreteShape({ name: 'x', datatype: 'FP32', shape: [-1, -1, 5] }, 2, { dynamicDimSize: 7 }), [2, 7, 5]);
  assert.deepEqual(concreteShape({ name: 'x', datatype: 'FP32', shape: [1, -1] }, 8, { batched: false }), [1, 1]);
});

it('draws values in the documented ranges', () => {
  const [image, ids, mask, flag, small, half, text] = generateInputs(specs, 8, 3);
  assert.ok((image?.data as Float32Array).every((v) => v >= 0 && v < 1));
  const idValues = [...(ids?.data as BigInt64Array)];
  assert.ok(idValues.every((v) => v >= 0n && v < 1000n));
  assert.ok(new Set(idValues).size > 100, 'token ids vary');
  assert.ok((mask?.data as Int32Array).every((v) => v === 1));
  assert.ok((flag?.data as Uint8Array).every((v) => v === 0 || v === 1));
  assert.ok((small?.data as Int8Array).every((v) => v >= 0 && v < 128));
  // Half bits of [0, 1] (rounding may reach 1.0 = 0x3c00): sign clear, nothing larger.
  assert.ok((half?.data as Uint16Array).every((v) => v <= 0x3c00));
  assert.ok((text?.data as string[]).every((s) => /^[a-z]{1,8}$/.test(s)));
});

it('gives the same inputs for the same seed and different ones for another', () => {
  const a = generateInputs(specs, 2, 42);
  const b = generateInputs(specs, 2, 42);
  const c = generateInputs(specs, 2, 43);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a[0]?.data, c[0]?.data);
});

it('takes smaller batches as leading rows of a larger one', () => {
  const full = generateInputs(specs, 8, 5);
  const two = firstRows(full, 2);
  assert.deepEqual(two.map((t) => t.shape[0]), [2, 2, 2, 2, 2, 2, 2]);
  assert.deepEqual([...(two[0]?.data as Float32Array)], [...(full[0]?.data as Float32Array).slice(0, 2 * 48)]);
  assert.deepEqual(two[6]?.data, (full[6]?.data as string[]).slice(0, 4));
});
