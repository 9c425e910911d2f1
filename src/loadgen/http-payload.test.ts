// Tests that request bodies decode with the server's own REST decoder: JSON, binary, and the auto switch by size.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeInferRequest } from '../frontend/http/codec/decode-infer-request.js';
import { SeededRandom } from '../onnx/seeded-random.js';
import { httpPayload } from './http-payload.js';
import { randomInputs } from './random-inputs.js';

const specs = [
  { name: 'a', datatype: 'FP32' as const, shape: [-1, 16] },
  { name: 'n', datatype: 'INT64' as const, shape: [-1, 2] },
  { name: 'h', datatype: 'FP16' as const, shape: [-1, 2] },
  { name: 'f', datatype: 'BOOL' as const, shape: [-1, 1] },
];

for (const encoding of ['json', 'binary'] as const) {
  test(`a ${encoding} body decodes to the same tensors and parameters with the server's decoder`, () => {
    const inputs = randomInputs(specs, new SeededRandom(5), { rows: 2 });
    const p = httpPayload(inputs, { 'tessera.slo_ms': 50 }, encoding, 1024);
    const decoded = decodeInferRequest('m', undefined, p.body, p.headers['inference-header-content-length']);
    assert.equal(p.headers['content-type'], encoding === 'json' ? 'application/json' : 'application/octet-stream');
    assert.equal(decoded.parameters?.['tessera.slo_ms'], 50);
    assert.equal(decoded.parameters?.['binary_data_output'], encoding === 'json' ? undefined : true);
    for (const [i, t] of decoded.inputs.entries()) {
      const want = inputs[i];
      assert.deepEqual(t.shape, want?.shape);
      assert.deepEqual(Array.from(t.data as ArrayLike<unknown>), Array.from(want?.data as ArrayLike<unknown>), `input ${t.name}`);
    }
  });
}

test('auto sends small inputs as JSON and large ones binary', () => {
  const small = httpPayload(randomInputs(specs, new SeededRandom(1), { rows: 1 }), {}, 'auto', 1024);
  const large = httpPayload(randomInputs(specs, new SeededRandom(1), { rows: 64 }), {}, 'auto', 1024);
  assert.equal(small.headers['inference-header-content-length'], undefined);
  assert.notEqual(large.headers['inference-header-content-length'], undefined);
  assert.equal(Number(large.headers['content-length']), large.body.byteLength);
});
