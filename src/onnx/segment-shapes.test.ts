// Unit tests of the segmenter's shape rules: symbolic batch carried through, unknown where a rule cannot be sure.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { NodeProto } from './onnx-proto.js';
import { ATTRIBUTE_TYPE } from './onnx-proto.js';
import { type Shape, broadcast, outputShapes } from './segment-shapes.js';

const ints = (name: string, values: number[]): NonNullable<NodeProto['attribute']>[number] => ({
  name,
  type: ATTRIBUTE_TYPE.INTS,
  ints: values,
});
const node = (op_type: string, input: string[], attribute: NodeProto['attribute'] = []): NodeProto => ({
  op_type,
  input,
  output: ['y'],
  attribute,
});
const noConsts = (): undefined => undefined;

describe('outputShapes', () => {
  it('computes a strided, padded convolution with a symbolic batch', () => {
    const conv = node('Conv', ['x', 'w'], [ints('kernel_shape', [7, 7]), ints('strides', [2, 2]), ints('pads', [3, 3, 3, 3])]);
    assert.deepEqual(outputShapes(conv, [['N', 3, 224, 224], [64, 3, 7, 7]], noConsts), [['N', 64, 112, 112]]);
  });

  it("follows onnxruntime's blocked-layout (NCHWc) ops, leaving a channel count padded to an unknown block unknown", () => {
    const nchwc = (op: string, input: string[], attribute: NodeProto['attribute'] = []): NodeProto => ({ ...node(op, input, attribute), domain: 'com.microsoft.nchwc' });
    const conv = nchwc('Conv', ['x', 'w', 'b', 'sum'], [ints('kernel_shape', [3, 3]), ints('strides', [2, 2]), ints('pads', [1, 1, 1, 1])]);
    assert.deepEqual(outputShapes(conv, [['N', 64, 56, 56], [128, 64, 3, 3], [128], ['N', 128, 28, 28]], noConsts), [['N', 128, 28, 28]]);
    assert.deepEqual(outputShapes(nchwc('ReorderInput', ['x']), [['N', 64, 56, 56]], noConsts), [['N', 64, 56, 56]]);
    assert.deepEqual(outputShapes(nchwc('ReorderInput', ['x']), [['N', 3, 224, 224]], noConsts), [['N', undefined, 224, 224]]);
    const out = nchwc('ReorderOutput', ['x'], [{ name: 'channels', type: ATTRIBUTE_TYPE.INT, i: 1000 }]);
    assert.deepEqual(outputShapes(out, [['N', 1008, 1, 1]], noConsts), [['N', 1000, 1, 1]]);
    assert.deepEqual(outputShapes(nchwc('GlobalAveragePool', ['x']), [['N', 512, 7, 7]], noConsts), [['N', 512, 1, 1]]);
    assert.deepEqual(outputShapes(nchwc('Upsample', ['x'], [ints('scales', [1, 1, 2, 2])]), [['N', 64, 7, 7]], noConsts), [['N', 64, 14, 14]]);
    assert.deepEqual(outputShapes(nchwc('SomethingNew', ['x']), [['N', 64, 7, 7]], noConsts), [undefined]);
  });

  it('computes ceil-mode pooling as SqueezeNet uses it', () => {
    const pool = node('MaxPool', ['x'], [ints('kernel_shape', [3, 3]), ints('strides', [2, 2]), { name: 'ceil_mode', type: ATTRIBUTE_TYPE.INT, i: 1 }]);
    assert.deepEqual(outputShapes(pool, [['N', 64, 54, 54]], noConsts), [['N', 64, 27, 27]]);
  });

  it('reshapes with 0 (copy) and -1 (inferred) around the symbolic batch', () => {
    const consts = (name: string): number[] | undefined => (name === 's' ? [0, 0, 2, -1] : undefined);
    assert.deepEqual(outputShapes(node('Reshape', ['x', 's']), [['N', 128, 64]], consts), [['N', 128, 2, 32]]);
  });

  it('leaves a reshape unknown when its target is not constant', () => {
    assert.deepEqual(outputShapes(node('Reshape', ['x', 's']), [['N', 128, 64]], noConsts), [undefined]);
  });

  it('multiplies batched matrices', () => {
    assert.deepEqual(outputShapes(node('MatMul', ['a', 'b']), [['N', 2, 128, 64], ['N', 2, 64, 128]], noConsts), [['N', 2, 128, 128]]);
  });

  it('flattens to [N, features] and gathers a scalar index away', () => {
    assert.deepEqual(outputShapes(node('Flatten', ['x']), [['N', 512, 1, 1]], noConsts), [['N', 512]]);
    const gather = node('Gather', ['x', 'i'], [{ name: 'axis', type: ATTRIBUTE_TYPE.INT, i: 1 }]);
    assert.deepEqual(outputShapes(gather, [['N', 128, 256], []], noConsts), [['N', 256]]);
  });

  it('concatenates along channels and transposes by perm', () => {
    const concat = node('Concat', ['a', 'b'], [{ name: 'axis', type: ATTRIBUTE_TYPE.INT, i: 1 }]);
    assert.deepEqual(outputShapes(concat, [['N', 64, 5, 5], ['N', 64, 5, 5]], noConsts), [['N', 128, 5, 5]]);
    assert.deepEqual(outputShapes(node('Transpose', ['x'], [ints('perm', [0, 2, 1])]), [['N', 3, 4]], noConsts), [['N', 4, 3]]);
  });

  it('knows nothing about an operator of another domain', () => {
    assert.deepEqual(outputShapes({ ...node('Relu', ['x']), domain: 'com.example' }, [['N', 4]], noConsts), [undefined]);
  });
});

describe('broadcast', () => {
  it('follows numpy rules and marks conflicting symbols unknown', () => {
    const cases: [Shape[], Shape][] = [
      [[['N', 1, 4], [3, 1]], ['N', 3, 4]],
      [[['N', 4], ['M', 4]], [undefined, 4]],
      [[['N', 4], undefined], undefined],
    ];
    for (const [inputs, expected] of cases) assert.deepEqual(broadcast(inputs), expected);
  });
});
