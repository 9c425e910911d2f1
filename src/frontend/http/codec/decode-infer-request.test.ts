// Tests for decoding OIP V2 REST inference requests: JSON data, binary data, validation errors, requested outputs.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ServingError } from '../../../core/errors.js';
import { encodeBytesElements } from '../../../core/tensor.js';
import { binaryOutputByDefault, decodeInferRequest } from './decode-infer-request.js';

/** A request body: the JSON header, then the binary parts in order. */
function body(json: unknown, ...binary: Uint8Array[]): { body: Buffer; headerLength: number | undefined } {
  const header = Buffer.from(JSON.stringify(json));
  if (binary.length === 0) return { body: header, headerLength: undefined };
  return { body: Buffer.concat([header, ...binary]), headerLength: header.byteLength };
}

function decode(json: unknown, ...binary: Uint8Array[]) {
  const b = body(json, ...binary);
  return decodeInferRequest('m', '1', b.body, b.headerLength);
}

function input(name: string, datatype: string, shape: number[], data: unknown): Record<string, unknown> {
  return { name, datatype, shape, data };
}

function binInput(name: string, datatype: string, shape: number[], size: number): Record<string, unknown> {
  return { name, datatype, shape, parameters: { binary_data_size: size } };
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/** Asserts that `fn` throws INVALID_ARGUMENT with a message matching `pattern`. */
function rejects(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ServingError, `expected ServingError, got ${String(err)}`);
    assert.equal(err.code, 'INVALID_ARGUMENT');
    assert.match(err.message, pattern);
    return true;
  });
}

describe('JSON tensor data', () => {
  test('flat data becomes a typed array and request fields are carried over', () => {
    const req = decode({
      id: 'r1',
      parameters: { priority: 2, tag: 'x', flag: true },
      inputs: [input('x', 'FP32', [2, 2], [1, 2.5, -3, 4])],
    });
    assert.equal(req.model, 'm');
    assert.equal(req.version, '1');
    assert.equal(req.id, 'r1');
    assert.deepEqual(req.parameters, { priority: 2, tag: 'x', flag: true });
    assert.equal(req.outputs, undefined);
    const x = req.inputs[0];
    assert.deepEqual(x, { name: 'x', datatype: 'FP32', shape: [2, 2], data: new Float32Array([1, 2.5, -3, 4]) });
  });

  test('nested data is flattened row-major', () => {
    const req = decode({ inputs: [input('x', 'INT32', [2, 1, 3], [[[1, 2, 3]], [[4, 5, 6]]])] });
    assert.deepEqual(req.inputs[0]?.data, new Int32Array([1, 2, 3, 4, 5, 6]));
  });

  test('any mixture of nesting is accepted as long as the element count matches', () => {
    const req = decode({ inputs: [input('x', 'FP64', [4], [[1, [2]], 3, [[[4]]]])] });
    assert.deepEqual(req.inputs[0]?.data, new Float64Array([1, 2, 3, 4]));
  });

  test('a request without version, id or parameters leaves them absent', () => {
    const b = body({ inputs: [input('x', 'INT8', [1], [1])] });
    const req = decodeInferRequest('m', undefined, b.body, undefined);
    assert.ok(!('version' in req) && !('id' in req) && !('parameters' in req) && !('outputs' in req));
  });

  const cases: [string, unknown[], unknown][] = [
    ['BOOL', [true, false, true], new Uint8Array([1, 0, 1])],
    ['UINT8', [0, 255], new Uint8Array([0, 255])],
    ['INT8', [-128, 127], new Int8Array([-128, 127])],
    ['UINT16', [0, 65535], new Uint16Array([0, 65535])],
    ['INT16', [-32768, 32767], new Int16Array([-32768, 32767])],
    ['UINT32', [0, 4294967295], new Uint32Array([0, 4294967295])],
    ['INT32', [-2147483648, 2147483647], new Int32Array([-2147483648, 2147483647])],
    ['UINT64', [0, Number.MAX_SAFE_INTEGER, '18446744073709551615'], new BigUint64Array([0n, 2n ** 53n - 1n, 2n ** 64n - 1n])],
    ['INT64', [-5, '-9223372036854775808', '9223372036854775807'], new BigInt64Array([-5n, -(2n ** 63n), 2n ** 63n - 1n])],
    ['FP16', [1, -2, 0.1], new Uint16Array([0x3c00, 0xc000, 0x2e66])],
    ['FP32', [0.1, -1e-7], new Float32Array([0.1, -1e-7])],
    ['FP64', [0.1, 1e308], new Float64Array([0.1, 1e308])],
    ['BYTES', ['', 'héllo'], ['', 'héllo']],
  ];
  for (const [dt, data, expected] of cases) {
    test(`${dt} JSON elements decode to the core representation`, () => {
      const req = decode({ inputs: [input('x', dt, [data.length], data)] });
      assert.deepEqual(req.inputs[0]?.data, expected);
    });
  }
});

describe('binary tensor data', () => {
  test('an input with binary_data_size reads its bytes after the JSON header', () => {
    const values = new Float32Array([1.5, -2, 3.25]);
    const req = decode({ inputs: [binInput('x', 'FP32', [3], 12)] }, bytesOf(values));
    assert.deepEqual(req.inputs[0]?.data, values);
  });

  test('bytes that are not aligned for the element type are copied, not misread', () => {
    const values = new Float64Array([0.1, -7]);
    // Pad the JSON so the binary part starts at an odd offset.
    for (const pad of ['', ' ', '  ', '   ']) {
      const header = Buffer.from(JSON.stringify({ inputs: [binInput('x', 'FP64', [2], 16)] }) + pad);
      const req = decodeInferRequest('m', '1', Buffer.concat([header, bytesOf(values)]), header.byteLength);
      assert.deepEqual(req.inputs[0]?.data, values);
    }
  });

  test('BYTES binary data uses 4-byte little-endian length prefixes', () => {
    const raw = encodeBytesElements(['ab', '', 'ünï']);
    const req = decode({ inputs: [binInput('s', 'BYTES', [3], raw.byteLength)] }, raw);
    assert.deepEqual(req.inputs[0]?.data, ['ab', '', 'ünï']);
  });

  test('JSON and binary inputs mix, binary parts taken in input order', () => {
    const a = new Int32Array([7, 8]);
    const c = new Uint16Array([0x3c00]);
    const req = decode(
      {
        inputs: [binInput('a', 'INT32', [2], 8), input('b', 'BOOL', [1], [true]), binInput('c', 'FP16', [1], 2)],
      },
      bytesOf(a),
      bytesOf(c),
    );
    assert.deepEqual(
      req.inputs.map((t) => [t.name, t.data]),
      [
        ['a', new Int32Array([7, 8])],
        ['b', new Uint8Array([1])],
        ['c', new Uint16Array([0x3c00])],
      ],
    );
  });

  test('a header length given as header text is accepted', () => {
    const b = body({ inputs: [binInput('x', 'UINT8', [2], 2)] }, new Uint8Array([4, 5]));
    const req = decodeInferRequest('m', '1', b.body, String(b.headerLength));
    assert.deepEqual(req.inputs[0]?.data, new Uint8Array([4, 5]));
  });
});

describe('header length and binary size errors', () => {
  const b = body({ inputs: [binInput('x', 'UINT8', [2], 2)] }, new Uint8Array([4, 5]));

  test('a header length past the end of the body is rejected', () => {
    rejects(() => decodeInferRequest('m', '1', b.body, b.body.byteLength + 1), /Inference-Header-Content-Length/);
  });

  test('a negative header length is rejected', () => {
    rejects(() => decodeInferRequest('m', '1', b.body, -1), /Inference-Header-Content-Length/);
    rejects(() => decodeInferRequest('m', '1', b.body, '-1'), /Inference-Header-Content-Length/);
  });

  test('a non-numeric or fractional header length is rejected', () => {
    for (const bad of ['abc', '', '1.5', '0x10', '1e2', NaN, 1.5]) {
      rejects(() => decodeInferRequest('m', '1', b.body, bad), /Inference-Header-Content-Length/);
    }
  });

  test('a header length that cuts the JSON short is malformed JSON', () => {
    rejects(() => decodeInferRequest('m', '1', b.body, (b.headerLength ?? 0) - 1), /^malformed JSON: /);
  });

  test('binary sizes claiming more bytes than follow the header name the tensor', () => {
    const short = body({ inputs: [binInput('x', 'UINT8', [2], 2), binInput('y', 'UINT8', [2], 2)] }, new Uint8Array(3));
    rejects(() => decodeInferRequest('m', '1', short.body, short.headerLength), /input 'y'.*binary_data_size 2 exceeds the 1 bytes/);
  });

  test('bytes left over after every binary input are counted in the error', () => {
    const long = body({ inputs: [binInput('x', 'UINT8', [2], 2)] }, new Uint8Array(5));
    rejects(() => decodeInferRequest('m', '1', long.body, long.headerLength), /^3 bytes of binary data/);
  });

  test('binary_data_size without a header length points at the missing header', () => {
    const noHeader = body({ inputs: [binInput('x', 'UINT8', [2], 2)] });
    rejects(() => decodeInferRequest('m', '1', noHeader.body, undefined), /input 'x'.*no Inference-Header-Content-Length/);
  });

  test('a binary size that does not fit the shape names the tensor', () => {
    rejects(() => decode({ inputs: [binInput('x', 'FP32', [3], 8)] }, new Uint8Array(8)), /input 'x'.*needs 3 elements.*has 2/);
    rejects(() => decode({ inputs: [binInput('x', 'FP32', [1], 3)] }, new Uint8Array(3)), /'x'.*not a whole number of FP32/);
  });

  test('an input may not have both binary_data_size and data', () => {
    const both = { ...binInput('x', 'UINT8', [1], 1), data: [1] };
    rejects(() => decode({ inputs: [both] }, new Uint8Array(1)), /input 'x' has both binary_data_size and data/);
  });

  test('binary_data_size must be a non-negative integer', () => {
    rejects(() => decode({ inputs: [binInput('x', 'UINT8', [1], -1)] }, new Uint8Array(1)), /binary_data_size must be/);
  });
});

describe('validation errors', () => {
  test('malformed JSON is reported as such', () => {
    rejects(() => decodeInferRequest('m', '1', Buffer.from('{"inputs": ['), undefined), /^malformed JSON: /);
  });

  test('a body that is not a JSON object is rejected', () => {
    rejects(() => decodeInferRequest('m', '1', Buffer.from('[1]'), undefined), /must be a JSON object/);
  });

  test('inputs must be a non-empty array', () => {
    rejects(() => decode({}), /inputs must be a non-empty array/);
    rejects(() => decode({ inputs: [] }), /inputs must be a non-empty array/);
    rejects(() => decode({ inputs: {} }), /inputs must be a non-empty array/);
  });

  test('an element count that disagrees with the shape names the tensor and both counts', () => {
    rejects(() => decode({ inputs: [input('pixels', 'FP32', [2, 3], [[1, 2, 3], [4, 5]])] }), /'pixels'.*\[2,3\] needs 6 elements but data has 5/);
    rejects(() => decode({ inputs: [input('pixels', 'FP32', [2], [1, 2, 3])] }), /'pixels'.*needs 2 elements but data has 3/);
  });

  test('a huge shape with little data is rejected with the real count, without allocating the shape', () => {
    rejects(() => decode({ inputs: [input('x', 'FP64', [1e6, 1e6], [1, [2]])] }), /needs 1000000000000 elements but data has 2/);
  });

  const wrong: [string, unknown, RegExp][] = [
    ['FP32', 'a', /element 1 is "a" but FP32 needs a number/],
    ['FP16', null, /element 1 is null but FP16 needs a number/],
    ['INT32', 1.5, /element 1 is 1.5 but INT32 needs an integer/],
    ['UINT8', 256, /element 1 is 256 but UINT8 needs an integer in \[0, 255\]/],
    ['INT8', -129, /INT8 needs an integer in \[-128, 127\]/],
    ['UINT32', -1, /UINT32 needs an integer/],
    ['BOOL', 1, /element 1 is 1 but BOOL needs true or false/],
    ['BYTES', 5, /element 1 is 5 but BYTES needs a string/],
    ['INT64', 2 ** 60, /INT64 needs an integer/],
    ['INT64', '12x', /INT64 needs an integer/],
    ['INT64', '9223372036854775808', /INT64 needs an integer/],
    ['UINT64', '-1', /UINT64 needs an integer/],
    ['FP32', { v: 1 }, /element 1 is \{"v":1\}/],
  ];
  for (const [dt, bad, pattern] of wrong) {
    test(`a ${dt} element ${JSON.stringify(bad)} is rejected with its index`, () => {
      const first = dt === 'BOOL' ? true : dt === 'BYTES' ? 'ok' : 0;
      rejects(() => decode({ inputs: [input('t', dt, [2], [first, bad])] }), new RegExp(`tensor 't': .*${pattern.source}`));
    });
  }

  test('BF16 is rejected as unsupported by onnxruntime-node', () => {
    rejects(() => decode({ inputs: [input('x', 'BF16', [1], [1])] }), /datatype BF16 is not supported by onnxruntime-node/);
  });

  test('an unknown datatype is rejected', () => {
    rejects(() => decode({ inputs: [input('x', 'FLOAT', [1], [1])] }), /input 'x': unknown datatype "FLOAT"/);
  });

  test('shape must be an array of non-negative integers', () => {
    for (const shape of [[-1], [1.5], ['3'], 3]) {
      rejects(() => decode({ inputs: [{ name: 'x', datatype: 'FP32', shape, data: [1] }] }), /input 'x': shape must be/);
    }
  });

  test('an input needs a string name', () => {
    rejects(() => decode({ inputs: [{ datatype: 'FP32', shape: [1], data: [1] }] }), /inputs\[0\]\.name/);
    rejects(() => decode({ inputs: [5] }), /inputs\[0\] must be an object/);
  });

  test('an input without data or binary_data_size is rejected', () => {
    rejects(() => decode({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1] }] }), /input 'x' has neither data/);
  });

  test('data must be an array', () => {
    rejects(() => decode({ inputs: [input('x', 'FP32', [1], 1)] }), /tensor 'x': data must be an array/);
  });

  test('nesting deeper than any tensor rank is rejected, not a stack overflow', () => {
    let deep: unknown = [1];
    for (let i = 0; i < 100; i++) deep = [deep];
    rejects(() => decode({ inputs: [input('x', 'FP32', [1], deep)] }), /nested deeper than/);
  });

  test('duplicate input names are rejected', () => {
    rejects(() => decode({ inputs: [input('x', 'FP32', [1], [1]), input('x', 'FP32', [1], [2])] }), /input 'x' appears twice/);
  });

  test('id must be a string', () => {
    rejects(() => decode({ id: 5, inputs: [input('x', 'FP32', [1], [1])] }), /id must be a string/);
  });

  test('parameters must hold only strings, numbers and booleans', () => {
    rejects(() => decode({ parameters: { a: { b: 1 } }, inputs: [input('x', 'FP32', [1], [1])] }), /request: parameter 'a'/);
    rejects(() => decode({ parameters: [1], inputs: [input('x', 'FP32', [1], [1])] }), /request: parameters must be an object/);
  });
});

describe('requested outputs', () => {
  const x = input('x', 'FP32', [1], [1]);

  test('each requested output carries its binary flag, defaulting to false', () => {
    const req = decode({
      inputs: [x],
      outputs: [{ name: 'a', parameters: { binary_data: true } }, { name: 'b' }, { name: 'c', parameters: { classification: 3 } }],
    });
    assert.deepEqual(req.outputs, [
      { name: 'a', binary: true },
      { name: 'b', binary: false },
      { name: 'c', binary: false, parameters: { classification: 3 } },
    ]);
    assert.equal(binaryOutputByDefault(req), false);
  });

  test('binary_data_output makes outputs binary unless an output opts out', () => {
    const req = decode({
      inputs: [x],
      parameters: { binary_data_output: true },
      outputs: [{ name: 'a' }, { name: 'b', parameters: { binary_data: false } }],
    });
    assert.deepEqual(req.outputs, [
      { name: 'a', binary: true },
      { name: 'b', binary: false },
    ]);
    assert.equal(binaryOutputByDefault(req), true);
  });

  test('binary_data_output without an outputs list still reaches the encoder through the request', () => {
    const req = decode({ inputs: [x], parameters: { binary_data_output: true } });
    assert.equal(req.outputs, undefined);
    assert.equal(binaryOutputByDefault(req), true);
  });

  test('an empty outputs list means all outputs', () => {
    assert.equal(decode({ inputs: [x], outputs: [] }).outputs, undefined);
  });

  test('malformed output requests are rejected', () => {
    rejects(() => decode({ inputs: [x], outputs: {} }), /outputs must be an array/);
    rejects(() => decode({ inputs: [x], outputs: [{}] }), /outputs\[0\]\.name/);
    rejects(() => decode({ inputs: [x], outputs: [{ name: 'a' }, { name: 'a' }] }), /output 'a' is requested twice/);
    rejects(() => decode({ inputs: [x], outputs: [{ name: 'a', parameters: { binary_data: 'yes' } }] }), /binary_data must be a boolean/);
    rejects(() => decode({ inputs: [x], parameters: { binary_data_output: 1 } }), /binary_data_output must be a boolean/);
  });
});
