// Unit tests of gRPC tensor conversion: raw and typed inputs, validation messages, raw outputs.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ServingError } from '../../core/errors.js';
import { encodeBytesElements } from '../../core/tensor.js';
import { tensorsFromWire, tensorsToWire } from './tensor-convert.js';
import type { WireInferInputTensor, WireTensorContents } from './wire-types.js';

const EMPTY_CONTENTS: WireTensorContents = {
  bool_contents: [],
  int_contents: [],
  int64_contents: [],
  uint_contents: [],
  uint64_contents: [],
  fp32_contents: [],
  fp64_contents: [],
  bytes_contents: [],
};

function input(
  name: string,
  datatype: string,
  shape: number[],
  contents?: Partial<WireTensorContents>,
): WireInferInputTensor {
  return {
    name,
    datatype,
    shape: shape.map(String),
    parameters: {},
    contents: contents === undefined ? null : { ...EMPTY_CONTENTS, ...contents },
  };
}

function invalid(pattern: RegExp): (err: unknown) => boolean {
  return (err) => err instanceof ServingError && err.code === 'INVALID_ARGUMENT' && pattern.test(err.message);
}

describe('tensorsFromWire', () => {
  test('raw bytes at an unaligned offset are copied into a correctly typed array', () => {
    const backing = new Uint8Array(9);
    backing.set(new Uint8Array(new Float32Array([1.5, -2]).buffer), 1);
    const [t] = tensorsFromWire([input('A', 'FP32', [2])], [backing.subarray(1)]);
    assert.deepEqual([...(t?.data as Float32Array)], [1.5, -2]);
    assert.deepEqual(t?.shape, [2]);
  });

  test('raw BYTES elements are decoded and counted against the shape', () => {
    const raw = encodeBytesElements(['a', 'bc']);
    assert.deepEqual(tensorsFromWire([input('S', 'BYTES', [2])], [raw])[0]?.data, ['a', 'bc']);
    assert.throws(() => tensorsFromWire([input('S', 'BYTES', [3])], [raw]), invalid(/'S'.*2 BYTES elements.*needs 3/));
  });

  test('raw_input_contents must have exactly one entry per input', () => {
    assert.throws(
      () => tensorsFromWire([input('A', 'UINT8', [1]), input('B', 'UINT8', [1])], [new Uint8Array(1)]),
      invalid(/1 entries but the request has 2 inputs/),
    );
  });

  test('an empty contents message next to raw data counts as absent', () => {
    const [t] = tensorsFromWire([input('A', 'UINT8', [2], {})], [new Uint8Array([7, 8])]);
    assert.deepEqual([...(t?.data as Uint8Array)], [7, 8]);
  });

  test('typed integer contents that do not fit a narrow datatype are refused instead of wrapping', () => {
    const [t] = tensorsFromWire([input('I', 'INT8', [2], { int_contents: [-128, 127] })], []);
    assert.deepEqual([...(t?.data as Int8Array)], [-128, 127]);
    assert.throws(
      () => tensorsFromWire([input('I', 'INT8', [1], { int_contents: [128] })], []),
      invalid(/128 does not fit INT8/),
    );
    assert.throws(() => tensorsFromWire([input('U', 'UINT16', [1], { uint_contents: [70000] })], []), invalid(/'U'/));
  });

  test('each datatype reads its own contents field', () => {
    const tensors = tensorsFromWire(
      [
        input('u64', 'UINT64', [1], { uint64_contents: ['18446744073709551615'] }),
        input('f64', 'FP64', [1], { fp64_contents: [0.1] }),
        input('u32', 'UINT32', [1], { uint_contents: [4294967295] }),
      ],
      [],
    );
    assert.deepEqual([...(tensors[0]?.data as BigUint64Array)], [18446744073709551615n]);
    assert.deepEqual([...(tensors[1]?.data as Float64Array)], [0.1]);
    assert.deepEqual([...(tensors[2]?.data as Uint32Array)], [4294967295]);
  });

  test('values in the wrong contents field are reported against the expected field', () => {
    assert.throws(
      () => tensorsFromWire([input('A', 'FP32', [1], { fp64_contents: [1] })], []),
      invalid(/'A': fp32_contents has 0 values/),
    );
  });

  test('a zero-element tensor needs no contents', () => {
    const [t] = tensorsFromWire([input('E', 'FP32', [0, 3])], []);
    assert.equal(t?.data.length, 0);
  });

  test('negative dimensions and unsupported datatypes are refused with the tensor named', () => {
    assert.throws(() => tensorsFromWire([input('A', 'FP32', [-1])], [new Uint8Array(0)]), invalid(/'A'.*dimension -1/));
    assert.throws(
      () => tensorsFromWire([input('B', 'BF16', [1])], [new Uint8Array(2)]),
      invalid(/'B'.*BF16 is not supported/),
    );
  });
});

describe('tensorsToWire', () => {
  test('outputs become metadata plus one raw byte entry each, in order', () => {
    const wire = tensorsToWire([
      { name: 'X', datatype: 'INT32', shape: [2], data: new Int32Array([1, -1]) },
      { name: 'S', datatype: 'BYTES', shape: [1], data: ['hi'] },
    ]);
    assert.deepEqual(wire.outputs, [
      { name: 'X', datatype: 'INT32', shape: [2] },
      { name: 'S', datatype: 'BYTES', shape: [1] },
    ]);
    assert.deepEqual([...(wire.raw_output_contents[0] ?? [])], [1, 0, 0, 0, 255, 255, 255, 255]);
    assert.deepEqual([...(wire.raw_output_contents[1] ?? [])], [2, 0, 0, 0, 104, 105]);
  });
});
