// Unit tests of the ONNX graph builder: the encoded model decodes back to what was built, names stay unique,
// attributes keep their types, and the same seed always gives the same bytes.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ServingError } from '../core/errors.js';
import { GraphBuilder, IR_VERSION, MACS_METADATA_KEY, OPSET_VERSION } from './graph-builder.js';
import { ATTRIBUTE_TYPE, decodeModelProto } from './onnx-proto.js';

function smallModel(seed: number): GraphBuilder {
  const b = new GraphBuilder({ name: 'small', seed, description: 'a test graph' });
  const x = b.input('x', 'FP32', ['N', 4]);
  const w = b.randomWeight('w', [4, 3], 0.5);
  const y = b.op('MatMul', [x, w]);
  b.addMacs(12);
  b.output('y', 'FP32', ['N', 3], y);
  return b;
}

describe('GraphBuilder', () => {
  it('writes a model that decodes to IR 8, opset 17 and producer tessera', () => {
    const model = decodeModelProto(smallModel(1).toBytes());
    assert.equal(model.ir_version, IR_VERSION);
    assert.deepEqual(model.opset_import, [{ domain: '', version: OPSET_VERSION }]);
    assert.equal(model.producer_name, 'tessera');
    assert.equal(model.doc_string, 'a test graph');
    assert.equal(model.graph?.name, 'small');
  });

  it('declares inputs and outputs with their element type and a symbolic batch dimension', () => {
    const graph = decodeModelProto(smallModel(1).toBytes()).graph;
    const input = graph?.input?.[0];
    assert.equal(input?.name, 'x');
    assert.equal(input?.type?.tensor_type?.elem_type, 1);
    assert.deepEqual(input?.type?.tensor_type?.shape?.dim, [{ dim_param: 'N' }, { dim_value: 4 }]);
    assert.equal(graph?.output?.[0]?.name, 'y');
  });

  it('copies a computed tensor to the declared output name with an Identity node', () => {
    const nodes = decodeModelProto(smallModel(1).toBytes()).graph?.node ?? [];
    assert.deepEqual(
      nodes.map((n) => n.op_type),
      ['MatMul', 'Identity'],
    );
    assert.deepEqual(nodes[1]?.output, ['y']);
    assert.equal(nodes[1]?.input?.[0], nodes[0]?.output?.[0]);
  });

  it('stores FP32 and INT64 initializers as raw little-endian bytes with their dims', () => {
    const b = new GraphBuilder({ name: 'init' });
    const x = b.input('x', 'FP32', [2]);
    const f = b.initializer('f', [2], Float32Array.of(1.5, -2));
    const shape = b.int64('shape', [2, 1]);
    const scalar = b.int64('index', 0);
    b.output('out', 'FP32', [2, 1], b.op('Reshape', [b.op('Add', [x, f]), shape]));
    const inits = decodeModelProto(b.toBytes()).graph?.initializer ?? [];
    const byName = new Map(inits.map((t) => [t.name, t]));
    assert.deepEqual(byName.get(f)?.dims, [2]);
    assert.equal(byName.get(f)?.data_type, 1);
    assert.deepEqual([...new Float32Array(Uint8Array.from(byName.get(f)?.raw_data ?? []).buffer)], [1.5, -2]);
    assert.equal(byName.get(shape)?.data_type, 7);
    assert.deepEqual([...new BigInt64Array(Uint8Array.from(byName.get(shape)?.raw_data ?? []).buffer)], [2n, 1n]);
    assert.deepEqual(byName.get(scalar)?.dims ?? [], []);
  });

  it('keeps every attribute kind with its ONNX type', () => {
    const b = new GraphBuilder({ name: 'attrs' });
    const x = b.input('x', 'FP32', [1]);
    const y = b.op('Custom', [x], {
      count: { int: 3 },
      alpha: { float: 0.25 },
      sizes: { ints: [1, -2, 3] },
      scales: { floats: [0.5, 2] },
      mode: { string: 'linear' },
      value: { tensor: { dims: [2], data: Float32Array.of(7, 8) } },
    });
    b.output('y', 'FP32', [1], y);
    const attrs = decodeModelProto(b.toBytes()).graph?.node?.[0]?.attribute ?? [];
    const byName = new Map(attrs.map((a) => [a.name, a]));
    assert.deepEqual([byName.get('count')?.type, byName.get('count')?.i], [ATTRIBUTE_TYPE.INT, 3]);
    assert.deepEqual([byName.get('alpha')?.type, byName.get('alpha')?.f], [ATTRIBUTE_TYPE.FLOAT, 0.25]);
    assert.deepEqual([byName.get('sizes')?.type, byName.get('sizes')?.ints], [ATTRIBUTE_TYPE.INTS, [1, -2, 3]]);
    assert.deepEqual([byName.get('scales')?.type, byName.get('scales')?.floats], [ATTRIBUTE_TYPE.FLOATS, [0.5, 2]]);
    assert.equal(byName.get('mode')?.type, ATTRIBUTE_TYPE.STRING);
    assert.equal(new TextDecoder().decode(byName.get('mode')?.s), 'linear');
    assert.equal(byName.get('value')?.type, ATTRIBUTE_TYPE.TENSOR);
    assert.deepEqual(byName.get('value')?.t?.dims, [2]);
  });

  it('returns a hint unchanged when free and suffixes it when taken', () => {
    const b = new GraphBuilder({ name: 'names' });
    assert.equal(b.uniqueName('conv'), 'conv');
    assert.equal(b.uniqueName('conv'), 'conv_1');
    assert.equal(b.uniqueName('conv'), 'conv_2');
    b.input('x', 'FP32', [1]);
    assert.equal(b.uniqueName('x'), 'x_1');
  });

  it('gives every node and tensor of a graph a distinct name', () => {
    const b = new GraphBuilder({ name: 'distinct' });
    let t = b.input('relu', 'FP32', [1]);
    for (let i = 0; i < 5; i++) t = b.op('Relu', [t]);
    b.output('out', 'FP32', [1], t);
    const graph = decodeModelProto(b.toBytes()).graph;
    const names = [
      ...(graph?.input ?? []).map((v) => v.name),
      ...(graph?.node ?? []).flatMap((n) => [n.name, ...(n.output ?? [])]),
    ];
    assert.equal(new Set(names).size, names.length);
  });

  it('rejects a graph input whose name is already used', () => {
    const b = new GraphBuilder({ name: 'dup' });
    b.input('x', 'FP32', [1]);
    assert.throws(
      () => b.input('x', 'FP32', [1]),
      (e: unknown) => e instanceof ServingError && e.code === 'ALREADY_EXISTS',
    );
  });

  it('rejects an output that no node produces and a graph without outputs', () => {
    const b = new GraphBuilder({ name: 'no-output' });
    b.input('x', 'FP32', [1]);
    assert.throws(() => b.output('y', 'FP32', [1]), { code: 'INVALID_ARGUMENT' });
    assert.throws(() => b.toBytes(), { code: 'INVALID_ARGUMENT' });
  });

  it('rejects an initializer whose data does not fill its dims', () => {
    const b = new GraphBuilder({ name: 'bad-init' });
    assert.throws(() => b.initializer('w', [2, 2], new Float32Array(3)), { code: 'INVALID_ARGUMENT' });
  });

  it('shares one constant per scalar value', () => {
    const b = new GraphBuilder({ name: 'scalars' });
    assert.equal(b.floatScalar(6), b.floatScalar(6));
    assert.notEqual(b.floatScalar(6), b.floatScalar(0));
  });

  it('records the counted multiply-accumulates in the model metadata', () => {
    const props = decodeModelProto(smallModel(1).toBytes()).metadata_props;
    assert.deepEqual(props, [{ key: MACS_METADATA_KEY, value: '12' }]);
  });

  it('produces identical bytes from the same seed and different weights from another seed', () => {
    assert.deepEqual(smallModel(42).toBytes(), smallModel(42).toBytes());
    assert.notDeepEqual(smallModel(42).toBytes(), smallModel(43).toBytes());
  });

  it('reports bytes that are not a model as INVALID_ARGUMENT', () => {
    assert.throws(() => decodeModelProto(Uint8Array.of(0x0f, 0xff)), { code: 'INVALID_ARGUMENT' });
  });
});
