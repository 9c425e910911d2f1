// The smallest zoo model: sum = a + b over [N,16] FP32, used to measure serving overhead without compute.

import { GraphBuilder } from '../../onnx/graph-builder.js';

export const TINY_ADD_WIDTH = 16;
export const TINY_ADD_DESCRIPTION = 'Elementwise Add of two [N,16] FP32 tensors, for overhead measurements';

export function tinyAddGraph(): GraphBuilder {
  const b = new GraphBuilder({ name: 'tiny-add', description: TINY_ADD_DESCRIPTION });
  const a = b.input('a', 'FP32', ['N', TINY_ADD_WIDTH]);
  const c = b.input('b', 'FP32', ['N', TINY_ADD_WIDTH]);
  b.output('sum', 'FP32', ['N', TINY_ADD_WIDTH], b.op('Add', [a, c]));
  return b;
}

export function buildTinyAdd(): Uint8Array {
  return tinyAddGraph().toBytes();
}
