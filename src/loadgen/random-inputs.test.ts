// Tests for random inputs from metadata: dynamic dimensions, shape overrides, value ranges per datatype.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRandom } from '../onnx/seeded-random.js';
import { randomInputs } from './random-inputs.js';

test('a dynamic first dimension takes rows and other dynamic dimensions take 1', () => {
  const [t] = randomInputs([{ name: 'x', datatype: 'FP32', shape: [-1, 3, -1] }], new SeededRandom(1), { rows: 4 });
  assert.deepEqual(t?.shape, [4, 3, 1]);
  assert.equal(t?.data.length, 12);
  assert.ok([...(t?.data as Float32Array)].every((v) => v >= 0 && v < 1));
});

test('an explicit shape replaces the metadata shape', () => {
  const [t] = randomInputs([{ name: 'ids', datatype: 'INT64', shape: [-1, -1] }], new SeededRandom(1), { shapes: { ids: [2, 8] } });
  assert.deepEqual(t?.shape, [2, 8]);
  assert.ok([...(t?.data as BigInt64Array)].every((v) => v >= 0n && v < 100n));
});

test('every datatype gets values a model accepts: BOOL 0/1, BYTES strings, FP16 half bits', () => {
  const rng = new SeededRandom(3);
  const [b, s, h, u] = randomInputs(
    [
      { name: 'b', datatype: 'BOOL', shape: [16] },
      { name: 's', datatype: 'BYTES', shape: [2] },
      { name: 'h', datatype: 'FP16', shape: [4] },
      { name: 'u', datatype: 'UINT8', shape: [4] },
    ],
    rng,
  );
  assert.ok([...(b?.data as Uint8Array)].every((v) => v === 0 || v === 1));
  assert.ok((s?.data as string[]).every((v) => typeof v === 'string' && v.length > 0));
  // Half bit patterns of values in [0, 1) sit below 0x3c00 (1.0).
  assert.ok([...(h?.data as Uint16Array)].every((v) => v < 0x3c00));
  assert.equal(u?.data.length, 4);
});

test('the same seed gives the same inputs', () => {
  const spec = [{ name: 'x', datatype: 'FP32' as const, shape: [8] }];
  assert.deepEqual(randomInputs(spec, new SeededRandom(9)), randomInputs(spec, new SeededRandom(9)));
});
