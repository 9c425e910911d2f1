// Unit tests of graph segmentation on small built graphs: where it cuts, what each standalone segment declares and
// carries (inputs, outputs, initializers, constants), and when it refuses to cut. ORT runs are in test/segment-zoo.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { GraphBuilder } from './graph-builder.js';
import { type GraphProto, decodeModelProto } from './onnx-proto.js';
import { SEGMENT_METADATA_KEY, segmentModel } from './segment-graph.js';

/** x [N, 8] through `layers` MatMul+Relu layers, each with its own weight. */
function chain(layers: number): Uint8Array {
  const b = new GraphBuilder({ name: 'chain' });
  let x = b.input('x', 'FP32', ['N', 8]);
  for (let i = 0; i < layers; i++) x = b.op('Relu', [b.op('MatMul', [x, b.randomWeight('w', [8, 8], 0.3)])]);
  b.output('y', 'FP32', ['N', 8], x);
  return b.toBytes();
}

/** Two residual blocks: inside a block both the shortcut and the branch are alive. */
function residual(): Uint8Array {
  const b = new GraphBuilder({ name: 'residual' });
  let x = b.input('x', 'FP32', ['N', 8]);
  for (let i = 0; i < 2; i++) {
    const branch = b.op('Relu', [b.op('MatMul', [b.op('Relu', [b.op('MatMul', [x, b.randomWeight('w', [8, 8], 0.3)])]), b.randomWeight('w', [8, 8], 0.3)])]);
    x = b.op('Add', [x, branch]);
  }
  b.output('y', 'FP32', ['N', 8], x);
  return b.toBytes();
}

function graphOf(bytes: Uint8Array): GraphProto {
  return decodeModelProto(bytes).graph ?? {};
}

describe('segmentModel', () => {
  it('cuts a chain into the requested number of standalone segments of equal cost', () => {
    const result = segmentModel(chain(4), { targetSegments: 4 });
    assert.equal(result.segments.length, 4);
    assert.deepEqual(result.inputs, ['x']);
    assert.deepEqual(result.outputs, ['y']);
    for (const s of result.segments) assert.ok(Math.abs(s.costFraction - 0.25) < 1e-9);
    // Each segment reads what the previous one produced, and only the last produces 'y'.
    result.segments.forEach((s, i) => {
      if (i > 0) assert.deepEqual(s.inputs, result.segments[i - 1]?.outputs);
    });
    assert.deepEqual(result.segments[3]?.outputs, ['y']);
  });

  it('gives each segment only its own initializers, the model header and its index', () => {
    const result = segmentModel(chain(4), { targetSegments: 2 });
    for (const [i, s] of result.segments.entries()) {
      const model = decodeModelProto(s.bytes);
      assert.equal(model.ir_version, 8);
      assert.deepEqual(model.opset_import, [{ domain: '', version: 17 }]);
      assert.equal(model.graph?.initializer?.length, 2);
      assert.equal(model.metadata_props?.find((p) => p.key === SEGMENT_METADATA_KEY)?.value, `${i + 1}/2`);
    }
  });

  it('declares a crossing tensor with its element type and the symbolic batch dimension', () => {
    const [, second] = segmentModel(chain(2), { targetSegments: 2 }).segments;
    const input = graphOf(second?.bytes ?? new Uint8Array()).input?.[0];
    assert.equal(input?.type?.tensor_type?.elem_type, 1);
    assert.deepEqual(input?.type?.tensor_type?.shape?.dim, [{ dim_param: 'N' }, { dim_value: 8 }]);
  });

  it('never cuts inside a residual block', () => {
    const result = segmentModel(residual(), { targetSegments: 8 });
    assert.equal(result.segments.length, 2);
    assert.deepEqual(result.segments.map((s) => s.inputs.length), [1, 1]);
    assert.equal(result.segments[0]?.nodes, 5);
  });

  it('never separates a MatMul from the Relu onnxruntime fuses into it', () => {
    for (const n of [2, 3, 4, 8]) {
      const result = segmentModel(chain(4), { targetSegments: n });
      for (const s of result.segments.slice(0, -1)) {
        const producer = graphOf(s.bytes).node?.find((node) => node.output?.includes(s.outputs[0] ?? ''));
        assert.equal(producer?.op_type, 'Relu', `${n} segments: a segment ends with ${producer?.op_type}`);
      }
    }
  });

  it('slides a cut past a cheap pooling layer so the smaller tensor crosses it', () => {
    // Two 3x3 Conv+Relu layers on [N, 4, 16, 16] (36864 MACs each), a cheap 2x2 MaxPool down to [N, 4, 8, 8], one
    // Conv to 24 channels (55296 MACs): the most balanced cut is after the second Relu (the pool would only add to
    // the larger first segment); the pool right behind it hands over 256 elements instead of 1024.
    const b = new GraphBuilder({ name: 'pooling' });
    const conv = { kernel_shape: { ints: [3, 3] }, pads: { ints: [1, 1, 1, 1] } };
    let x = b.input('x', 'FP32', ['N', 4, 16, 16]);
    for (let i = 0; i < 2; i++) x = b.op('Relu', [b.op('Conv', [x, b.randomWeight('w', [4, 4, 3, 3], 0.3)], conv)]);
    x = b.op('MaxPool', [x], { kernel_shape: { ints: [2, 2] }, strides: { ints: [2, 2] } });
    x = b.op('Relu', [b.op('Conv', [x, b.randomWeight('w', [24, 4, 3, 3], 0.3)], conv)]);
    b.output('y', 'FP32', ['N', 24, 8, 8], x);
    const result = segmentModel(b.toBytes(), { targetSegments: 2 });
    assert.equal(result.segments.length, 2);
    const crossing = result.segments[0]?.outputs[0] ?? '';
    const producer = graphOf(result.segments[0]?.bytes ?? new Uint8Array()).node?.find((node) => node.output?.includes(crossing));
    assert.equal(producer?.op_type, 'MaxPool');
  });

  it('returns the model unchanged as one segment when there is no clean cut', () => {
    // The first node splits the input into two branches that merge at the very end: every cut crosses both.
    const b = new GraphBuilder({ name: 'parallel' });
    const [l, r] = b.node('Split', [b.input('x', 'FP32', ['N', 4])], { axis: { int: 1 } }, 2) as [string, string];
    const left = b.op('Relu', [b.op('Relu', [l])]);
    const right = b.op('Sigmoid', [b.op('Sigmoid', [r])]);
    b.output('y', 'FP32', ['N', 4], b.op('Concat', [left, right], { axis: { int: 1 } }));
    const bytes = b.toBytes();
    const result = segmentModel(bytes, { targetSegments: 4 });
    assert.equal(result.segments.length, 1);
    assert.equal(result.segments[0]?.bytes, bytes);
    assert.deepEqual(result.segments[0]?.inputs, ['x']);
    assert.deepEqual(result.segments[0]?.outputs, ['y']);
  });

  it('hands a model input read late to the segment that reads it, not counting it against clean cuts', () => {
    const b = new GraphBuilder({ name: 'late-input' });
    let x = b.input('a', 'FP32', ['N', 4]);
    const c = b.input('c', 'FP32', ['N', 4]);
    for (let i = 0; i < 3; i++) x = b.op('Relu', [x]);
    b.output('y', 'FP32', ['N', 4], b.op('Add', [x, c]));
    const result = segmentModel(b.toBytes(), { targetSegments: 4 });
    assert.ok(result.segments.length > 1);
    assert.deepEqual(result.segments[0]?.inputs, ['a']);
    assert.ok(result.segments[result.segments.length - 1]?.inputs.includes('c'));
  });

  it('copies a Constant node into every segment that reads it instead of passing it across', () => {
    const b = new GraphBuilder({ name: 'shared-constant' });
    const k = b.op('Constant', [], { value: { tensor: { dims: [], data: Float32Array.of(2) } } });
    let x = b.input('x', 'FP32', ['N', 4]);
    for (let i = 0; i < 4; i++) x = b.op('Mul', [x, k]);
    b.output('y', 'FP32', ['N', 4], x);
    const result = segmentModel(b.toBytes(), { targetSegments: 2 });
    assert.equal(result.segments.length, 2);
    for (const s of result.segments) {
      assert.deepEqual(s.inputs.length, 1);
      assert.equal(graphOf(s.bytes).node?.filter((n) => n.op_type === 'Constant').length, 1);
    }
  });

  it('rejects bytes that are not ONNX and nonsensical options with INVALID_ARGUMENT', () => {
    assert.throws(() => segmentModel(new Uint8Array([0xff, 0xff, 0xff])), { code: 'INVALID_ARGUMENT' });
    assert.throws(() => segmentModel(chain(2), { targetSegments: 0 }), { code: 'INVALID_ARGUMENT' });
    assert.throws(() => segmentModel(chain(2), { maxCostFraction: 1.5 }), { code: 'INVALID_ARGUMENT' });
  });
});
