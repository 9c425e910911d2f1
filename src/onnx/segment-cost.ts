// Cost proxy of one ONNX node from inferred shapes: multiply-accumulates for Conv/ConvTranspose/MatMul/Gemm,
// elements produced for everything else. Symbolic dims (the batch) count as 1, so costs are per sample.

import type { NodeProto } from './onnx-proto.js';
import type { Shape } from './segment-shapes.js';

/** Elements of a shape with symbolic and unknown dims taken as 1; undefined for an unknown rank. */
export function elementsOf(shape: Shape): number | undefined {
  if (shape === undefined) return undefined;
  let n = 1;
  for (const d of shape) if (typeof d === 'number') n *= d;
  return n;
}

function dim(shape: Shape, index: number): number {
  const d = shape?.[index < 0 ? shape.length + index : index];
  return typeof d === 'number' ? d : 1;
}

export function nodeCost(node: NodeProto, inputs: readonly Shape[], outputs: readonly Shape[]): number {
  const out = elementsOf(outputs[0]);
  // An unknown output shape falls back to the largest known input: the op touches at least that much.
  const touched = out ?? Math.max(1, ...inputs.map((s) => elementsOf(s) ?? 1));
  const weight = inputs[1];
  switch (node.op_type) {
    case 'Conv':
    case 'ConvInteger': {
      // Each output element sums over (C/group) × kernel, which is the weight's size per output channel.
      const perOutput = weight === undefined ? 1 : (elementsOf(weight.slice(1)) ?? 1);
      return touched * perOutput;
    }
    case 'ConvTranspose': {
      const perInput = weight === undefined ? 1 : (elementsOf(weight.slice(1)) ?? 1);
      return (elementsOf(inputs[0]) ?? touched) * perInput;
    }
    case 'MatMul':
    case 'MatMulInteger':
      return touched * dim(inputs[0], -1);
    case 'Gemm': {
      const transA = node.attribute?.find((a) => a.name === 'transA')?.i === 1;
      return touched * dim(inputs[0], transA ? 0 : 1);
    }
    case 'Identity':
      return 0; // removed by every runtime's graph optimiser
    default:
      return touched;
  }
}
