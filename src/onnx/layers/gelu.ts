// GELU in its exact Erf form, 0.5·x·(1 + erf(x/√2)), as BERT exports it (onnxruntime fuses it into one kernel).

import type { GraphBuilder } from '../graph-builder.js';

export function gelu(b: GraphBuilder, x: string): string {
  const erf = b.op('Erf', [b.op('Div', [x, b.floatScalar(Math.SQRT2)])]);
  const onePlus = b.op('Add', [erf, b.floatScalar(1)]);
  return b.op('Mul', [b.op('Mul', [x, onePlus]), b.floatScalar(0.5)]);
}
