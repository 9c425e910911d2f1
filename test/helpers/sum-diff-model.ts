// A two-output test model (sum = a + b, diff = a - b over [N,16] FP32) for output subsets and mixed binary outputs.

import { GraphBuilder } from '../../src/onnx/graph-builder.js';
import { TINY_ADD_WIDTH } from '../../src/repository/zoo/tiny-add.js';

export function buildSumDiff(): Uint8Array {
  const g = new GraphBuilder({ name: 'sum-diff', description: 'a + b and a - b, for end-to-end tests' });
  const a = g.input('a', 'FP32', ['N', TINY_ADD_WIDTH]);
  const b = g.input('b', 'FP32', ['N', TINY_ADD_WIDTH]);
  g.output('sum', 'FP32', ['N', TINY_ADD_WIDTH], g.op('Add', [a, b]));
  g.output('diff', 'FP32', ['N', TINY_ADD_WIDTH], g.op('Sub', [a, b]));
  return g.toBytes();
}
