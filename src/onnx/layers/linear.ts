// Fully connected layer y = x·W + b as MatMul + Add, valid for [N, in] and [N, S, in] inputs.

import type { GraphBuilder } from '../graph-builder.js';

export interface LinearOptions {
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** Rows multiplied per sample (sequence length for token-wise layers); for counting MACs. Default 1. */
  readonly rows?: number;
  /** Weight standard deviation; default Xavier-style 1/√in, which keeps the output variance near the input's. */
  readonly std?: number;
}

const BIAS_STD = 0.01;

export function linear(b: GraphBuilder, x: string, o: LinearOptions): string {
  const weight = b.randomWeight('fc_w', [o.inFeatures, o.outFeatures], o.std ?? Math.sqrt(1 / o.inFeatures));
  const bias = b.initializer('fc_b', [o.outFeatures], b.rng.uniformWithStd(o.outFeatures, BIAS_STD));
  b.addMacs((o.rows ?? 1) * o.inFeatures * o.outFeatures);
  return b.op('Add', [b.op('MatMul', [x, weight]), bias]);
}
