// Layer normalisation over the last axis (ONNX LayerNormalization, opset 17), scale 1 and bias 0 as at init.

import type { GraphBuilder } from '../graph-builder.js';

/** BERT's epsilon. */
const LAYER_NORM_EPSILON = 1e-12;

export function layerNorm(b: GraphBuilder, x: string, hidden: number): string {
  const scale = b.filled('ln_scale', [hidden], 1);
  const bias = b.filled('ln_bias', [hidden], 0);
  return b.op('LayerNormalization', [x, scale, bias], {
    axis: { int: -1 },
    epsilon: { float: LAYER_NORM_EPSILON },
  });
}
