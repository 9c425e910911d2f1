// Element types of node outputs for the ONNX operators the segmenter knows; undefined where it cannot be sure.

import type { NodeProto } from './onnx-proto.js';
import { ELEM, NCHWC_DOMAIN, attrInt, attribute } from './segment-values.js';

/** Operators whose every output has the type of their first input (common ONNX ops of CNNs and transformers). */
const SAME_AS_FIRST_INPUT = new Set([
  'Abs', 'Acos', 'Acosh', 'Add', 'Asin', 'Asinh', 'Atan', 'Atanh', 'AveragePool', 'BatchNormalization', 'Ceil', 'Celu',
  'Clip', 'Concat', 'Conv', 'ConvTranspose', 'Cos', 'Cosh', 'CumSum', 'DepthToSpace', 'Div', 'Einsum', 'Elu', 'Erf',
  'Exp', 'Expand', 'Flatten', 'Floor', 'Gather', 'GatherElements', 'GatherND', 'Gelu', 'Gemm', 'GlobalAveragePool',
  'GlobalLpPool', 'GlobalMaxPool', 'GroupNormalization', 'HardSigmoid', 'HardSwish', 'Hardmax', 'Identity',
  'InstanceNormalization', 'LRN', 'LeakyRelu', 'Log', 'LogSoftmax', 'LpNormalization', 'LpPool', 'MatMul', 'Max',
  'Mean', 'Min', 'Mish', 'Mod', 'Mul', 'Neg', 'Pad', 'Pow', 'PRelu', 'Reciprocal', 'ReduceL1', 'ReduceL2',
  'ReduceLogSum', 'ReduceLogSumExp', 'ReduceMax', 'ReduceMean', 'ReduceMin', 'ReduceProd', 'ReduceSum',
  'ReduceSumSquare', 'Relu', 'Reshape', 'Resize', 'ReverseSequence', 'Round', 'ScatterElements', 'ScatterND', 'Selu',
  'Shrink', 'Sigmoid', 'Sign', 'Sin', 'Sinh', 'Slice', 'Softmax', 'Softplus', 'Softsign', 'SpaceToDepth', 'Split',
  'Sqrt', 'Squeeze', 'Sub', 'Sum', 'Tan', 'Tanh', 'ThresholdedRelu', 'Tile', 'Transpose', 'Trilu', 'Unsqueeze',
  'Upsample', 'Range',
]);

const BOOL_OUTPUT = new Set(['Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'Not', 'And', 'Or', 'Xor', 'IsNaN', 'IsInf']);
const INT64_OUTPUT = new Set(['Shape', 'Size', 'NonZero', 'ArgMax', 'ArgMin', 'NonMaxSuppression']);

/** Output element types of `node` given its inputs' types ('' inputs are absent and typed undefined). */
export function outputElemTypes(node: NodeProto, inputTypes: readonly (number | undefined)[]): (number | undefined)[] {
  const op = node.op_type ?? '';
  const count = node.output?.length ?? 0;
  const all = (t: number | undefined): (number | undefined)[] => Array.from({ length: count }, () => t);
  const first = inputTypes[0];
  // onnxruntime's blocked-layout ops (segment-shapes.ts) run on float tensors and keep their type.
  if (node.domain === NCHWC_DOMAIN) return all(first === ELEM.FLOAT ? first : undefined);
  if (node.domain !== undefined && node.domain !== '' && node.domain !== 'ai.onnx') return all(undefined);
  switch (op) {
    case 'Cast':
      return all(attrInt(node, 'to'));
    case 'CastLike':
      return all(inputTypes[1]);
    case 'Where':
      return all(inputTypes[1]);
    case 'Constant':
      return all(constantType(node));
    case 'ConstantOfShape':
      return all(attribute(node, 'value')?.t?.data_type ?? ELEM.FLOAT);
    case 'Dropout':
      return [first, ELEM.BOOL].slice(0, count);
    case 'MaxPool':
    case 'TopK':
      return [first, ELEM.INT64].slice(0, count);
    case 'LayerNormalization':
      return [first, ELEM.FLOAT, ELEM.FLOAT].slice(0, count);
    case 'OneHot':
      return all(inputTypes[2]);
    case 'DequantizeLinear':
      return all(inputTypes[1]);
    case 'QuantizeLinear':
      return all(inputTypes[2] ?? ELEM.UINT8);
    case 'DynamicQuantizeLinear':
      return [ELEM.UINT8, ELEM.FLOAT, ELEM.UINT8].slice(0, count);
    case 'MatMulInteger':
    case 'ConvInteger':
      return all(ELEM.INT32);
    case 'RandomNormal':
    case 'RandomUniform':
      return all(attrInt(node, 'dtype') ?? ELEM.FLOAT);
    case 'RandomNormalLike':
    case 'RandomUniformLike':
    case 'EyeLike':
      return all(attrInt(node, 'dtype') ?? first);
  }
  if (BOOL_OUTPUT.has(op)) return all(ELEM.BOOL);
  if (INT64_OUTPUT.has(op)) return all(ELEM.INT64);
  if (SAME_AS_FIRST_INPUT.has(op)) return all(first);
  return all(undefined);
}

function constantType(node: NodeProto): number | undefined {
  const t = attribute(node, 'value')?.t;
  if (t !== undefined) return t.data_type;
  if (attribute(node, 'value_float') !== undefined || attribute(node, 'value_floats') !== undefined) return ELEM.FLOAT;
  if (attribute(node, 'value_int') !== undefined || attribute(node, 'value_ints') !== undefined) return ELEM.INT64;
  if (attribute(node, 'value_string') !== undefined || attribute(node, 'value_strings') !== undefined) return ELEM.STRING;
  return undefined;
}
