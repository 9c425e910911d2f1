// Output shapes of common ONNX operators from their input shapes, with symbolic dims (the batch 'N') carried along.
// Only what the segmenter needs: the declared shapes of tensors crossing a cut and the per-node cost estimate.
// Where a rule does not apply the shape is unknown (undefined), never a guess.

import type { NodeProto } from './onnx-proto.js';
import { NCHWC_DOMAIN, attrInt, attrInts, attrString } from './segment-values.js';

/** A fixed size, a symbolic name, or undefined when unknown. */
export type Dim = number | string | undefined;
/** Undefined when even the rank is unknown. */
export type Shape = readonly Dim[] | undefined;

/** Integer values of a constant tensor by name (shape and axes inputs), undefined when not constant. */
export type ConstInts = (name: string) => readonly number[] | undefined;

const ELEMENTWISE = new Set([
  'Abs', 'Acos', 'Acosh', 'Asin', 'Asinh', 'Atan', 'Atanh', 'BatchNormalization', 'Cast', 'CastLike', 'Ceil', 'Celu',
  'Clip', 'Cos', 'Cosh', 'CumSum', 'Dropout', 'Elu', 'Erf', 'Exp', 'Floor', 'Gelu', 'GroupNormalization',
  'HardSigmoid', 'HardSwish', 'Hardmax', 'Identity', 'InstanceNormalization', 'IsInf', 'IsNaN', 'LRN',
  'LayerNormalization', 'LeakyRelu', 'Log', 'LogSoftmax', 'LpNormalization', 'Mish', 'Neg', 'Not', 'PRelu',
  'Reciprocal', 'Relu', 'Round', 'Selu', 'Shrink', 'Sigmoid', 'Sign', 'Sin', 'Sinh', 'Softmax', 'Softplus', 'Softsign',
  'Sqrt', 'Tan', 'Tanh', 'ThresholdedRelu', 'Trilu',
]);
const BROADCAST = new Set([
  'Add', 'And', 'BitShift', 'Div', 'Equal', 'Greater', 'GreaterOrEqual', 'Less', 'LessOrEqual', 'Max', 'Mean', 'Min',
  'Mod', 'Mul', 'Or', 'Pow', 'Sub', 'Sum', 'Where', 'Xor',
]);
const REDUCE = new Set([
  'ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceMax', 'ReduceMean', 'ReduceMin', 'ReduceProd',
  'ReduceSum', 'ReduceSumSquare',
]);

/** Shapes of each of `node`'s outputs. Only the first output is inferred, except where noted. */
export function outputShapes(node: NodeProto, inputs: readonly Shape[], constInts: ConstInts): Shape[] {
  const count = node.output?.length ?? 0;
  const shapes: Shape[] = Array.from({ length: count }, () => undefined);
  if (node.domain === NCHWC_DOMAIN) {
    shapes[0] = nchwcShape(node, inputs);
    return shapes;
  }
  if (node.domain !== undefined && node.domain !== '' && node.domain !== 'ai.onnx') return shapes;
  const op = node.op_type ?? '';
  const first = inputs[0];
  const input = (i: number): string => node.input?.[i] ?? '';
  if (ELEMENTWISE.has(op)) shapes[0] = first;
  else if (BROADCAST.has(op)) shapes[0] = broadcast(inputs);
  else if (REDUCE.has(op)) shapes[0] = reduce(node, first, input(1) === '' ? [] : constInts(input(1)));
  else {
    switch (op) {
      case 'Conv':
        shapes[0] = conv(node, first, inputs[1]);
        break;
      case 'MaxPool':
      case 'AveragePool':
      case 'LpPool':
        shapes[0] = pool(node, first);
        if (op === 'MaxPool' && count > 1) shapes[1] = shapes[0];
        break;
      case 'GlobalAveragePool':
      case 'GlobalMaxPool':
      case 'GlobalLpPool':
        shapes[0] = first === undefined ? undefined : first.map((d, i) => (i < 2 ? d : 1));
        break;
      case 'MatMul':
      case 'MatMulInteger':
        shapes[0] = matMul(first, inputs[1]);
        break;
      case 'Gemm':
        shapes[0] = gemm(node, first, inputs[1]);
        break;
      case 'Flatten':
        shapes[0] = flatten(first, attrInt(node, 'axis') ?? 1);
        break;
      case 'Reshape':
        shapes[0] = reshape(first, constInts(input(1)), attrInt(node, 'allowzero') === 1);
        break;
      case 'Transpose':
        shapes[0] = transpose(first, attrInts(node, 'perm'));
        break;
      case 'Concat':
        shapes[0] = concat(inputs, attrInt(node, 'axis') ?? 0);
        break;
      case 'Gather':
        shapes[0] = gather(first, inputs[1], attrInt(node, 'axis') ?? 0);
        break;
      case 'Squeeze':
        shapes[0] = squeeze(first, attrInts(node, 'axes') ?? (input(1) === '' ? undefined : constInts(input(1))));
        break;
      case 'Unsqueeze':
        shapes[0] = unsqueeze(first, attrInts(node, 'axes') ?? constInts(input(1)));
        break;
      case 'Shape':
        shapes[0] = first === undefined ? undefined : [shapeLength(first.length, attrInt(node, 'start'), attrInt(node, 'end'))];
        break;
      case 'Size':
        shapes[0] = [];
        break;
      case 'Constant': {
        const dims = node.attribute?.find((a) => a.name === 'value')?.t?.dims;
        if (dims !== undefined) shapes[0] = dims;
        break;
      }
    }
  }
  return shapes;
}

/**
 * onnxruntime's CPU layout ops (in the graph it runs after its optimisations, saved with `optimizedModelFilePath`):
 * tensors in the blocked NCHWc layout keep their logical NCHW shape, with channels padded to the block size.
 */
function nchwcShape(node: NodeProto, inputs: readonly Shape[]): Shape {
  const x = inputs[0];
  switch (node.op_type) {
    case 'Conv':
      return conv(node, x, inputs[1]);
    case 'MaxPool':
    case 'AveragePool':
      return pool(node, x);
    case 'GlobalMaxPool':
    case 'GlobalAveragePool':
      return x === undefined ? undefined : x.map((d, i) => (i < 2 ? d : 1));
    case 'ReorderInput': {
      if (x === undefined || x.length < 3) return undefined;
      const channelsLast = attrInt(node, 'channels_last') === 1;
      const c = channelsLast ? x[x.length - 1] : x[1];
      const spatial = channelsLast ? x.slice(1, -1) : x.slice(2);
      // Padded up to the block size (8 or 16, the CPU's), which the graph does not record: known only when it divides.
      return [x[0], typeof c === 'number' && c % MAX_NCHWC_BLOCK === 0 ? c : undefined, ...spatial];
    }
    case 'ReorderOutput': {
      const channels = attrInt(node, 'channels');
      if (x === undefined || x.length < 3 || channels === undefined) return undefined;
      return attrInt(node, 'channels_last') === 1 ? [x[0], ...x.slice(2), channels] : [x[0], channels, ...x.slice(2)];
    }
    case 'Upsample': {
      const scales = attrInts(node, 'scales');
      if (x === undefined || scales === undefined || scales.length !== x.length) return undefined;
      return x.map((d, i) => (typeof d === 'number' ? d * (scales[i] as number) : scales[i] === 1 ? d : undefined));
    }
    default:
      return undefined;
  }
}

/** The largest NCHWc block onnxruntime uses (AVX-512); smaller blocks divide it. */
const MAX_NCHWC_BLOCK = 16;

/** ONNX multidirectional (numpy) broadcasting. */
export function broadcast(inputs: readonly Shape[]): Shape {
  if (inputs.some((s) => s === undefined)) return undefined;
  const shapes = inputs as readonly (readonly Dim[])[];
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    let dim: Dim = 1;
    for (const s of shapes) {
      const d = s[s.length - rank + i];
      if (s.length - rank + i < 0 || d === 1) continue;
      if (dim === 1) dim = d;
      else if (dim !== d) dim = undefined;
    }
    out.push(dim);
  }
  return out;
}

function normAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

function windowOut(size: Dim, kernel: number, stride: number, dilation: number, padBegin: number, padEnd: number, ceil: boolean): Dim {
  if (typeof size !== 'number') return undefined;
  const span = size + padBegin + padEnd - dilation * (kernel - 1) - 1;
  const out = (ceil ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  // A last window starting in the right padding is dropped by some runtimes and not others: leave it unknown.
  return ceil && (out - 1) * stride >= size + padBegin ? undefined : out;
}

/** Spatial output dims of a convolution or pooling window over `spatial`. */
function windowed(node: NodeProto, spatial: readonly Dim[], kernel: readonly number[], ceil: boolean): Dim[] | undefined {
  const n = spatial.length;
  if (kernel.length !== n) return undefined;
  const strides = attrInts(node, 'strides') ?? Array<number>(n).fill(1);
  const dilations = attrInts(node, 'dilations') ?? Array<number>(n).fill(1);
  const autoPad = attrString(node, 'auto_pad') ?? 'NOTSET';
  const pads = attrInts(node, 'pads') ?? Array<number>(2 * n).fill(0);
  return spatial.map((size, i) => {
    const k = kernel[i] ?? 1;
    const s = strides[i] ?? 1;
    const d = dilations[i] ?? 1;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return typeof size === 'number' ? Math.ceil(size / s) : undefined;
    if (autoPad === 'VALID') return windowOut(size, k, s, d, 0, 0, false);
    return windowOut(size, k, s, d, pads[i] ?? 0, pads[i + n] ?? 0, ceil);
  });
}

function conv(node: NodeProto, x: Shape, w: Shape): Shape {
  if (x === undefined || x.length < 3) return undefined;
  const kernel = attrInts(node, 'kernel_shape') ?? w?.slice(2);
  if (kernel === undefined || kernel.some((k) => typeof k !== 'number')) return undefined;
  const spatial = windowed(node, x.slice(2), kernel as number[], false);
  return spatial === undefined ? undefined : [x[0], w?.[0], ...spatial];
}

function pool(node: NodeProto, x: Shape): Shape {
  const kernel = attrInts(node, 'kernel_shape');
  if (x === undefined || x.length < 3 || kernel === undefined) return undefined;
  const spatial = windowed(node, x.slice(2), kernel, attrInt(node, 'ceil_mode') === 1);
  return spatial === undefined ? undefined : [x[0], x[1], ...spatial];
}

function matMul(a: Shape, b: Shape): Shape {
  if (a === undefined || b === undefined || a.length === 0 || b.length === 0) return undefined;
  const aa = a.length === 1 ? [1, a[0]] : a;
  const bb = b.length === 1 ? [b[0], 1] : b;
  const batch = broadcast([aa.slice(0, -2), bb.slice(0, -2)]);
  if (batch === undefined) return undefined;
  const out: Dim[] = [...batch];
  if (a.length > 1) out.push(aa[aa.length - 2]);
  if (b.length > 1) out.push(bb[bb.length - 1]);
  return out;
}

function gemm(node: NodeProto, a: Shape, b: Shape): Shape {
  if (a?.length !== 2 || b?.length !== 2) return undefined;
  const m = attrInt(node, 'transA') === 1 ? a[1] : a[0];
  const n = attrInt(node, 'transB') === 1 ? b[0] : b[1];
  return [m, n];
}

/** Product of dims: a number when all are fixed, the one symbol when the rest are 1, else unknown. */
function dimProduct(dims: readonly Dim[]): Dim {
  let numeric = 1;
  let symbol: Dim = undefined;
  let symbols = 0;
  for (const d of dims) {
    if (typeof d === 'number') numeric *= d;
    else if (typeof d === 'string') {
      symbols++;
      symbol = d;
    } else return undefined;
  }
  if (symbols === 0) return numeric;
  return symbols === 1 && numeric === 1 ? symbol : undefined;
}

function flatten(x: Shape, axis: number): Shape {
  if (x === undefined) return undefined;
  const a = normAxis(axis, x.length);
  return [dimProduct(x.slice(0, a)), dimProduct(x.slice(a))];
}

function reshape(x: Shape, target: readonly number[] | undefined, allowZero: boolean): Shape {
  if (target === undefined) return undefined;
  const out: Dim[] = target.map((t, i) => (t === 0 && !allowZero ? x?.[i] : t === -1 ? undefined : t));
  const inferred = target.indexOf(-1);
  if (inferred < 0 || x === undefined) return out;
  // -1 is the input's element count over the rest; symbols copied by 0 cancel out of both.
  const symbolsIn = x.filter((d): d is string => typeof d === 'string');
  const symbolsOut = out.filter((d, i): d is string => typeof d === 'string' && i !== inferred);
  const numericIn = x.every((d) => d !== undefined) ? product(x.filter((d): d is number => typeof d === 'number')) : undefined;
  const numericOut = out.every((d, i) => d !== undefined || i === inferred)
    ? product(out.filter((d): d is number => typeof d === 'number'))
    : undefined;
  const sameSymbols = symbolsIn.length === symbolsOut.length && symbolsIn.every((s, i) => symbolsOut[i] === s);
  if (sameSymbols && numericIn !== undefined && numericOut !== undefined && numericOut > 0 && numericIn % numericOut === 0) {
    out[inferred] = numericIn / numericOut;
  }
  return out;
}

function product(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

function transpose(x: Shape, perm: readonly number[] | undefined): Shape {
  if (x === undefined) return undefined;
  const p = perm ?? x.map((_, i) => x.length - 1 - i);
  return p.map((i) => x[i]);
}

function concat(inputs: readonly Shape[], axis: number): Shape {
  const first = inputs[0];
  if (first === undefined || inputs.some((s) => s?.length !== first.length)) return undefined;
  const a = normAxis(axis, first.length);
  const sizes = inputs.map((s) => s?.[a]);
  const total = sizes.every((d): d is number => typeof d === 'number') ? sizes.reduce((x, y) => x + y, 0) : undefined;
  return first.map((d, i) => (i === a ? total : d));
}

function gather(data: Shape, indices: Shape, axis: number): Shape {
  if (data === undefined || indices === undefined) return undefined;
  const a = normAxis(axis, data.length);
  return [...data.slice(0, a), ...indices, ...data.slice(a + 1)];
}

function squeeze(x: Shape, axes: readonly number[] | undefined): Shape {
  if (x === undefined) return undefined;
  if (axes === undefined) return x.some((d) => typeof d !== 'number') ? undefined : x.filter((d) => d !== 1);
  const drop = new Set(axes.map((a) => normAxis(a, x.length)));
  return x.filter((_, i) => !drop.has(i));
}

function unsqueeze(x: Shape, axes: readonly number[] | undefined): Shape {
  if (x === undefined || axes === undefined) return undefined;
  const rank = x.length + axes.length;
  const add = new Set(axes.map((a) => normAxis(a, rank)));
  const out: Dim[] = [];
  let next = 0;
  for (let i = 0; i < rank; i++) out.push(add.has(i) ? 1 : x[next++]);
  return out;
}

/** `axesInput`: the constant axes input, [] when there is none, undefined when it is not constant. */
function reduce(node: NodeProto, x: Shape, axesInput: readonly number[] | undefined): Shape {
  const keep = (attrInt(node, 'keepdims') ?? 1) === 1;
  const axes = attrInts(node, 'axes') ?? axesInput;
  if (x === undefined || axes === undefined) return undefined;
  if (axes.length === 0) {
    if (attrInt(node, 'noop_with_empty_axes') === 1) return x;
    return keep ? x.map(() => 1) : [];
  }
  const reduced = new Set(axes.map((a) => normAxis(a, x.length)));
  return keep ? x.map((d, i) => (reduced.has(i) ? 1 : d)) : x.filter((_, i) => !reduced.has(i));
}

function shapeLength(rank: number, start: number | undefined, end: number | undefined): number {
  const clamp = (v: number): number => Math.min(rank, Math.max(0, v < 0 ? v + rank : v));
  return Math.max(0, clamp(end ?? rank) - clamp(start ?? 0));
}
