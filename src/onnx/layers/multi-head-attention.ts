// Multi-head self-attention over [N, S, H] without a mask: Q/K/V projections, scaled dot product, output projection.

import type { GraphBuilder } from '../graph-builder.js';
import { linear } from './linear.js';

export interface MultiHeadAttentionOptions {
  readonly hidden: number;
  readonly heads: number;
  readonly seqLen: number;
}

export function multiHeadAttention(b: GraphBuilder, x: string, o: MultiHeadAttentionOptions): string {
  const headDim = o.hidden / o.heads;
  const project = (): string => linear(b, x, { inFeatures: o.hidden, outFeatures: o.hidden, rows: o.seqLen });
  // Reshape's 0 copies the input dimension, so the symbolic batch and the sequence pass through.
  const splitShape = b.int64('split_heads_shape', [0, 0, o.heads, headDim]);
  const toHeads = (t: string, perm: readonly number[]): string =>
    b.op('Transpose', [b.op('Reshape', [t, splitShape])], { perm: { ints: perm } });

  const q = toHeads(b.op('Mul', [project(), b.floatScalar(1 / Math.sqrt(headDim))]), [0, 2, 1, 3]); // [N,h,S,d]
  const kT = toHeads(project(), [0, 2, 3, 1]); // [N,h,d,S]
  const v = toHeads(project(), [0, 2, 1, 3]); // [N,h,S,d]
  const weights = b.op('Softmax', [b.op('MatMul', [q, kT])], { axis: { int: -1 } }); // [N,h,S,S]
  const context = b.op('Transpose', [b.op('MatMul', [weights, v])], { perm: { ints: [0, 2, 1, 3] } }); // [N,S,h,d]
  const merged = b.op('Reshape', [context, b.int64('merge_heads_shape', [0, 0, o.hidden])]);
  b.addMacs(2 * o.seqLen * o.seqLen * o.hidden);
  return linear(b, merged, { inFeatures: o.hidden, outFeatures: o.hidden, rows: o.seqLen });
}
