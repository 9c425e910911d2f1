// Tests for encoding OIP V2 REST inference responses, and round trips of every datatype through encode and decode.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { InferResponse, RequestedOutput } from '../../../core/inference.js';
import { encodeBytesElements, type Tensor } from '../../../core/tensor.js';
import { decodeInferRequest } from './decode-infer-request.js';
import { encodeInferResponse } from './encode-infer-response.js';

function response(outputs: Tensor[], extra: Partial<InferResponse> = {}): InferResponse {
  return { model: 'm', version: '3', outputs, ...extra };
}

function tensor(name: string, datatype: Tensor['datatype'], data: Tensor['data'], shape = [data.length]): Tensor {
  return { name, datatype, shape, data };
}

/** The JSON part of an encoded body and its binary remainder. */
function split(encoded: { body: Buffer; headerLength: number | undefined }): { json: Record<string, unknown>; rest: Buffer } {
  const end = encoded.headerLength ?? encoded.body.byteLength;
  return { json: JSON.parse(encoded.body.toString('utf8', 0, end)), rest: encoded.body.subarray(end) };
}

function bytesOf(view: ArrayBufferView): Buffer {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}

describe('JSON outputs', () => {
  test('a JSON response names the model, echoes id and parameters, and has flat data', () => {
    const out = tensor('y', 'FP32', new Float32Array([1, 2.5, -3, 4]), [2, 2]);
    const encoded = encodeInferResponse(response([out], { id: 'r1', parameters: { a: 1 } }), undefined, false);
    assert.equal(encoded.headerLength, undefined);
    assert.deepEqual(JSON.parse(encoded.body.toString()), {
      model_name: 'm',
      model_version: '3',
      id: 'r1',
      parameters: { a: 1 },
      outputs: [{ name: 'y', datatype: 'FP32', shape: [2, 2], data: [1, 2.5, -3, 4] }],
    });
  });

  test('id and parameters are left out when the response has none', () => {
    const json = JSON.parse(encodeInferResponse(response([]), undefined, false).body.toString());
    assert.deepEqual(json, { model_name: 'm', model_version: '3', outputs: [] });
  });

  test('floats are written as the shortest text that reads back to the same value', () => {
    const values = new Float32Array([0.1, 1 / 3, 3.4e38, 1e-45, -0.5]);
    const text = encodeInferResponse(response([tensor('y', 'FP32', values)]), undefined, false).body.toString();
    assert.ok(text.includes(`"data":${JSON.stringify(Array.from(values))}`));
    const back = new Float32Array((JSON.parse(text).outputs[0] as { data: number[] }).data);
    assert.deepEqual(back, values);
  });

  test('NaN and infinities are written as null so the body stays valid JSON', () => {
    const text = encodeInferResponse(response([tensor('y', 'FP64', new Float64Array([NaN, Infinity, 1]))]), undefined, false)
      .body.toString();
    assert.deepEqual(JSON.parse(text).outputs[0].data, [null, null, 1]);
  });

  test('64-bit integers are numbers when safe and decimal strings otherwise', () => {
    const i64 = new BigInt64Array([-(2n ** 63n), -5n, 2n ** 53n - 1n, 2n ** 53n]);
    const u64 = new BigUint64Array([0n, 2n ** 64n - 1n]);
    const { json } = split(encodeInferResponse(response([tensor('a', 'INT64', i64), tensor('b', 'UINT64', u64)]), undefined, false));
    const outputs = json['outputs'] as { data: unknown[] }[];
    assert.deepEqual(outputs[0]?.data, ['-9223372036854775808', -5, 9007199254740991, '9007199254740992']);
    assert.deepEqual(outputs[1]?.data, [0, '18446744073709551615']);
  });

  test('BOOL is written as true/false, FP16 as numbers and BYTES as strings', () => {
    const outs = [
      tensor('b', 'BOOL', new Uint8Array([1, 0])),
      tensor('h', 'FP16', new Uint16Array([0x3c00, 0x3555, 0xfc00])),
      tensor('s', 'BYTES', ['x', 'ÿ"']),
    ];
    const { json } = split(encodeInferResponse(response(outs), undefined, false));
    assert.deepEqual(
      (json['outputs'] as { data: unknown[] }[]).map((o) => o.data),
      [[true, false], [1, 0.333251953125, null], ['x', 'ÿ"']],
    );
  });
});

describe('binary outputs', () => {
  const a = tensor('a', 'FP32', new Float32Array([1, 2]));
  const b = tensor('b', 'INT32', new Int32Array([3]));
  const c = tensor('c', 'BYTES', ['hi', '']);

  test('binary by default puts every output after the JSON header in output order', () => {
    const encoded = encodeInferResponse(response([a, b, c]), undefined, true);
    const { json, rest } = split(encoded);
    assert.deepEqual(json['outputs'], [
      { name: 'a', datatype: 'FP32', shape: [2], parameters: { binary_data_size: 8 } },
      { name: 'b', datatype: 'INT32', shape: [1], parameters: { binary_data_size: 4 } },
      { name: 'c', datatype: 'BYTES', shape: [2], parameters: { binary_data_size: 10 } },
    ]);
    const bytesC = Buffer.from(encodeBytesElements(['hi', '']));
    assert.deepEqual(rest, Buffer.concat([bytesOf(a.data as Float32Array), bytesOf(b.data as Int32Array), bytesC]));
  });

  test('requested outputs limit the response and choose binary per output', () => {
    const requested: RequestedOutput[] = [{ name: 'c', binary: true }, { name: 'a', binary: false }];
    const { json, rest } = split(encodeInferResponse(response([a, b, c]), requested, true));
    assert.deepEqual(json['outputs'], [
      { name: 'a', datatype: 'FP32', shape: [2], data: [1, 2] },
      { name: 'c', datatype: 'BYTES', shape: [2], parameters: { binary_data_size: 10 } },
    ]);
    assert.deepEqual(rest, Buffer.from(encodeBytesElements(['hi', ''])));
  });

  test('a requested output without a binary flag follows the default', () => {
    const requested: RequestedOutput[] = [{ name: 'a' }, { name: 'b', binary: true }];
    const asJson = split(encodeInferResponse(response([a, b]), requested, false)).json['outputs'] as Record<string, unknown>[];
    assert.ok('data' in (asJson[0] ?? {}) && !('data' in (asJson[1] ?? {})));
    const asBinary = split(encodeInferResponse(response([a, b]), requested, true)).json['outputs'] as Record<string, unknown>[];
    assert.ok(!('data' in (asBinary[0] ?? {})));
  });

  test('the header length is the byte length of the JSON part, counting multi-byte characters', () => {
    const encoded = encodeInferResponse(response([b], { id: 'é€' }), undefined, true);
    assert.equal(encoded.body.byteLength, (encoded.headerLength ?? 0) + 4);
    assert.equal(split(encoded).json['id'], 'é€');
  });
});

/** Turns an encoded response into a request body whose inputs are the response's outputs. */
function asRequest(encoded: { body: Buffer; headerLength: number | undefined }): { body: Buffer; headerLength: number | undefined } {
  const { json, rest } = split(encoded);
  const header = Buffer.from(JSON.stringify({ inputs: json['outputs'] }));
  if (encoded.headerLength === undefined) return { body: header, headerLength: undefined };
  return { body: Buffer.concat([header, rest]), headerLength: header.byteLength };
}

describe('round trips', () => {
  // Negative zero is left out of the JSON cases: JSON.stringify writes it as 0.
  const tensors: Tensor[] = [
    tensor('bool', 'BOOL', new Uint8Array([1, 0, 1])),
    tensor('u8', 'UINT8', new Uint8Array([0, 255])),
    tensor('i8', 'INT8', new Int8Array([-128, 127])),
    tensor('u16', 'UINT16', new Uint16Array([0, 65535])),
    tensor('i16', 'INT16', new Int16Array([-32768, 32767])),
    tensor('u32', 'UINT32', new Uint32Array([0, 4294967295])),
    tensor('i32', 'INT32', new Int32Array([-2147483648, 2147483647]), [1, 2]),
    tensor('u64', 'UINT64', new BigUint64Array([0n, 2n ** 53n, 2n ** 64n - 1n])),
    tensor('i64', 'INT64', new BigInt64Array([-(2n ** 63n), 42n, 2n ** 63n - 1n])),
    tensor('f16', 'FP16', new Uint16Array([0x3c00, 0x0001, 0x7bff, 0xc000])),
    tensor('f32', 'FP32', new Float32Array([0.1, -1.5, 3.4e38, 1e-45, 1 / 3]), [5, 1]),
    tensor('f64', 'FP64', new Float64Array([0.1, 1e308, 5e-324, Math.PI])),
    tensor('bytes', 'BYTES', ['', 'héllo', 'a,b"c']),
    tensor('empty', 'FP32', new Float32Array(0), [0, 3]),
  ];
  for (const binary of [false, true]) {
    for (const t of tensors) {
      test(`${t.datatype} data survives a ${binary ? 'binary' : 'JSON'} round trip`, () => {
        const r = asRequest(encodeInferResponse(response([t]), undefined, binary));
        assert.deepEqual(decodeInferRequest('m', '3', r.body, r.headerLength).inputs, [t]);
      });
    }
  }

  test('negative zero survives a binary round trip', () => {
    const t = tensor('z', 'FP32', new Float32Array([-0]));
    const r = asRequest(encodeInferResponse(response([t]), undefined, true));
    assert.ok(Object.is(decodeInferRequest('m', '3', r.body, r.headerLength).inputs[0]?.data[0], -0));
  });

  test('all datatypes together survive a mixed JSON and binary round trip', () => {
    const requested = tensors.map((t, i) => ({ name: t.name, binary: i % 2 === 0 }));
    const r = asRequest(encodeInferResponse(response(tensors), requested, false));
    assert.notEqual(r.headerLength, undefined);
    assert.deepEqual(decodeInferRequest('m', '3', r.body, r.headerLength).inputs, tensors);
  });
});
