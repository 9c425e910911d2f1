// Cuts an ONNX model into sequential segments of bounded cost, each a standalone ONNX model, at points where
// only activations cross (Olympian-style interleaving: a device may switch models at every segment boundary).
//
// A cut between two nodes of the execution order is clean when at most `maxCrossingTensors` tensors are produced
// before it and read after it, and their element types are known. Model inputs read later do not count (the job
// holds them anyway). Constants (initializers and
// nodes computed from them only) never cross: every segment carries its own copy. Branches (residual blocks,
// attention) keep several tensors alive, so no cut falls inside them and they stay in one segment.

import { ServingError } from '../core/errors.js';
import { type GraphProto, type ModelProto, type ValueInfoProto, decodeModelProto, encodeModelProto } from './onnx-proto.js';
import { type GraphAnalysis, type TensorInfo, analyseGraph } from './segment-analysis.js';
import { chooseCuts, slideCuts } from './segment-cuts.js';

export interface SegmentOptions {
  /** Most segments to make; the default is 8 unless `maxCostFraction` is given (then up to 64). */
  readonly targetSegments?: number;
  /** Largest cost share one segment should have (0..1]; default 1/targetSegments. */
  readonly maxCostFraction?: number;
  /** Most node-produced tensors a clean cut may cross; default 1 (the one activation). Model inputs do not count. */
  readonly maxCrossingTensors?: number;
}

export interface GraphSegment {
  /** A standalone ONNX model. */
  readonly bytes: Uint8Array;
  /** Tensors it reads: whole-model inputs or outputs of earlier segments. */
  readonly inputs: readonly string[];
  /** Tensors it produces that later segments read, or whole-model outputs. */
  readonly outputs: readonly string[];
  /** Its share of the model's estimated cost. */
  readonly costFraction: number;
  /** Nodes in it, carried constant nodes included. */
  readonly nodes: number;
}

export interface SegmentedModel {
  readonly segments: readonly GraphSegment[];
  /** Inputs of the whole model (given to the first segment's run, kept until read). */
  readonly inputs: readonly string[];
  /** Outputs of the whole model, in declaration order. */
  readonly outputs: readonly string[];
  /** The model's estimated cost: multiply-accumulates (Conv/MatMul/Gemm) plus elements (other ops), per sample. */
  readonly totalCost: number;
}

export const DEFAULT_TARGET_SEGMENTS = 8;
export const MAX_SEGMENTS = 64;
/** metadata_props key written into each segment: "index/count", 1-based. */
export const SEGMENT_METADATA_KEY = 'tessera.segment';

export function segmentModel(bytes: Uint8Array, options: SegmentOptions = {}): SegmentedModel {
  const { maxSegments, share, maxCrossing } = resolveOptions(options);
  const model = decodeModelProto(bytes);
  const graph = model.graph;
  if (graph === undefined) throw new ServingError('INVALID_ARGUMENT', 'the ONNX model has no graph');
  const a = analyseGraph(graph);
  const outputs = (graph.output ?? []).map((v) => v.name ?? '');
  const main = a.order.flatMap((_, i) => (a.constant[i] === true ? [] : [i]));
  const costs = main.map((i) => a.cost[i] as number);
  const totalCost = costs.reduce((x, y) => x + y, 0);

  const life = lifetimes(a, main, outputs);
  // Model inputs (an attention mask, say) and finished model outputs do not count: the job holds them anyway.
  const handedOver = (t: string): boolean => (life.birth.get(t) ?? -1) >= 0;
  const crossing = crossingCounts(life.birth, life.lastRead, main.length, (t) => (handedOver(t) ? 1 : 0));
  const crossingElements = crossingCounts(life.birth, life.lastRead, main.length, (t) => (handedOver(t) ? (elements(a.info.get(t)) ?? 0) : 0));
  const unsized = crossingCounts(life.birth, life.lastRead, main.length, (t) => (handedOver(t) && elements(a.info.get(t)) === undefined ? 1 : 0));
  const handOverSize = (p: number): number => ((unsized[p] as number) > 0 ? Infinity : (crossingElements[p] as number));
  const untyped = crossingCounts(life.birth, life.lastUse, main.length, (t) => (a.info.get(t)?.elemType === undefined ? 1 : 0));
  const clean = (p: number): boolean => (crossing[p] as number) <= maxCrossing && untyped[p] === 0 && !splitsFusion(a, main, p);
  const balanced = chooseCuts(costs, clean, { maxSegments, share });
  const tolerance = (SLIDE_FRACTION * totalCost) / (balanced.length + 1);
  const cuts = slideCuts(balanced, costs, clean, handOverSize, tolerance);
  if (cuts.length === 0) {
    return { segments: [{ bytes, inputs: a.inputs, outputs, costFraction: 1, nodes: a.order.length }], inputs: a.inputs, outputs, totalCost };
  }

  const bounds = [0, ...cuts, main.length];
  const segments = bounds.slice(1).map((end, j) => {
    const start = bounds[j] as number;
    const last = j === bounds.length - 2;
    const segmentCost = costs.slice(start, end).reduce((x, y) => x + y, 0);
    const built = buildSegment(model, graph, a, { members: main.slice(start, end), end, last, life, outputs });
    built.model.metadata_props = [...(model.metadata_props ?? []), { key: SEGMENT_METADATA_KEY, value: `${j + 1}/${bounds.length - 1}` }];
    return {
      bytes: encodeModelProto(built.model),
      inputs: built.inputs,
      outputs: built.outputs,
      costFraction: totalCost > 0 ? segmentCost / totalCost : (end - start) / main.length,
      nodes: built.nodes,
    };
  });
  return { segments, inputs: a.inputs, outputs, totalCost };
}

/** How far (a fraction of the average segment's cost) a cut may slide to hand over a smaller tensor. */
const SLIDE_FRACTION = 0.1;

/** Elements per sample of a tensor (symbolic dimensions count 1); undefined when the shape is unknown. */
function elements(info: TensorInfo | undefined): number | undefined {
  if (info?.shape === undefined) return undefined;
  return info.shape.reduce<number>((n, d) => n * (typeof d === 'number' && d >= 0 ? d : 1), 1);
}

/** Operators onnxruntime fuses with an elementwise follower (Conv+Relu, MatMul+Add, Conv+Add+Relu...). */
const FUSING_PRODUCERS = new Set(['Conv', 'ConvTranspose', 'MatMul', 'Gemm', 'BatchNormalization', 'Add']);
/** Followers that such a fusion absorbs. */
const FUSED_FOLLOWERS = new Set(['Relu', 'Clip', 'LeakyRelu', 'Sigmoid', 'HardSigmoid', 'Tanh', 'HardSwish', 'Gelu', 'BatchNormalization', 'Add', 'Mul']);

/**
 * Whether cutting before main position p separates a node from the producer it would be fused with: the cut
 * costs the fused kernel (an extra pass over the activation) besides the hand-over, so it is never clean.
 */
function splitsFusion(a: GraphAnalysis, main: readonly number[], p: number): boolean {
  const producer = a.order[main[p - 1] as number];
  const follower = a.order[main[p] as number];
  if (producer === undefined || follower === undefined) return false;
  if (!FUSING_PRODUCERS.has(producer.op_type ?? '') || !FUSED_FOLLOWERS.has(follower.op_type ?? '')) return false;
  const made = new Set((producer.output ?? []).filter((o) => o !== ''));
  return (follower.input ?? []).some((i) => made.has(i));
}

function resolveOptions(o: SegmentOptions): { maxSegments: number; share: number; maxCrossing: number } {
  if (o.targetSegments !== undefined && !(Number.isInteger(o.targetSegments) && o.targetSegments >= 1)) {
    throw new ServingError('INVALID_ARGUMENT', `targetSegments must be a positive integer, got ${o.targetSegments}`);
  }
  if (o.maxCostFraction !== undefined && !(o.maxCostFraction > 0 && o.maxCostFraction <= 1)) {
    throw new ServingError('INVALID_ARGUMENT', `maxCostFraction must be in (0, 1], got ${o.maxCostFraction}`);
  }
  const maxSegments = Math.min(MAX_SEGMENTS, o.targetSegments ?? (o.maxCostFraction === undefined ? DEFAULT_TARGET_SEGMENTS : MAX_SEGMENTS));
  return { maxSegments, share: o.maxCostFraction ?? 1 / maxSegments, maxCrossing: o.maxCrossingTensors ?? 1 };
}

/** Per non-constant tensor: where it is born (main position of its producer, -1 for inputs) and last read. */
interface Lifetimes {
  readonly birth: ReadonlyMap<string, number>;
  /** Main position of the last reader; main.length for whole-model outputs. */
  readonly lastUse: ReadonlyMap<string, number>;
  /** Main position of the last reader, model outputs not extended to the end. */
  readonly lastRead: ReadonlyMap<string, number>;
}

function lifetimes(a: GraphAnalysis, main: readonly number[], outputs: readonly string[]): Lifetimes {
  const birth = new Map<string, number>(a.inputs.map((n) => [n, -1]));
  const lastUse = new Map<string, number>();
  main.forEach((nodeIndex, pos) => {
    for (const r of a.reads[nodeIndex] ?? []) if (birth.has(r)) lastUse.set(r, pos);
    for (const o of a.order[nodeIndex]?.output ?? []) if (o !== '') birth.set(o, pos);
  });
  const lastRead = new Map(lastUse);
  for (const o of outputs) if (birth.has(o)) lastUse.set(o, main.length);
  return { birth, lastUse, lastRead };
}

/** counts[p] = the summed `weight` of tensors born before position p and still needed at it (last <= p). */
function crossingCounts(
  birth: ReadonlyMap<string, number>,
  last: ReadonlyMap<string, number>,
  n: number,
  weight: (tensor: string) => number,
): number[] {
  const diff = new Array<number>(n + 2).fill(0);
  for (const [t, b] of birth) {
    const e = last.get(t);
    const w = e === undefined || e <= b ? 0 : weight(t);
    if (w === 0 || e === undefined) continue;
    diff[b + 1] = (diff[b + 1] as number) + w;
    diff[e + 1] = (diff[e + 1] as number) - w;
  }
  const counts: number[] = [];
  let running = 0;
  for (let p = 0; p <= n; p++) counts.push((running += diff[p] as number));
  return counts;
}

interface SegmentSpan {
  /** Indices into the analysis order of the non-constant nodes of this segment. */
  readonly members: readonly number[];
  /** Main position just past this segment. */
  readonly end: number;
  readonly last: boolean;
  readonly life: Lifetimes;
  readonly outputs: readonly string[];
}

function buildSegment(model: ModelProto, graph: GraphProto, a: GraphAnalysis, s: SegmentSpan): { model: ModelProto; inputs: string[]; outputs: string[]; nodes: number } {
  const producer = new Map<string, number>();
  a.order.forEach((n, i) => (n.output ?? []).forEach((o) => o !== '' && producer.set(o, i)));
  const included = new Set(s.members);
  // Carry every constant node the segment reads from, transitively.
  const wanted = [...s.members.flatMap((i) => a.reads[i] ?? []), ...(s.last ? s.outputs : [])];
  while (wanted.length > 0) {
    const p = producer.get(wanted.pop() as string);
    if (p === undefined || included.has(p) || a.constant[p] !== true) continue;
    included.add(p);
    wanted.push(...(a.reads[p] ?? []));
  }
  const nodeIndices = [...included].sort((x, y) => x - y);
  const produced = new Set(nodeIndices.flatMap((i) => a.order[i]?.output ?? []));
  const reads = unique(nodeIndices.flatMap((i) => a.reads[i] ?? []));
  const inputs = reads.filter((t) => !produced.has(t) && !a.initializers.has(t));
  const usedConstants = new Set(reads.filter((t) => a.initializers.has(t)));
  const memberOutputs = s.members.flatMap((i) => a.order[i]?.output ?? []);
  const later = memberOutputs.filter((t) => t !== '' && (s.life.lastUse.get(t) ?? -1) >= s.end);
  const carriedOutputs = s.last ? s.outputs.filter((t) => !s.life.birth.has(t)) : []; // constant-derived model outputs
  for (const t of carriedOutputs) if (a.initializers.has(t)) usedConstants.add(t);
  const outputs = unique([...s.outputs.filter((t) => later.includes(t) || carriedOutputs.includes(t)), ...later]);

  const declaredInputs = new Map((graph.input ?? []).map((v) => [v.name ?? '', v]));
  const declaredOutputs = new Map((graph.output ?? []).map((v) => [v.name ?? '', v]));
  const valueInfo = (name: string, declared: ReadonlyMap<string, ValueInfoProto>): ValueInfoProto =>
    declared.get(name) ?? toValueInfo(name, a.info.get(name));
  const legacyInitializerInputs = (model.ir_version ?? 0) < 4 ? [...usedConstants].flatMap((t) => declaredInputs.get(t) ?? []) : [];
  const segmentGraph: GraphProto = {
    name: `${graph.name ?? 'graph'}_segment`,
    node: nodeIndices.map((i) => a.order[i]).filter((n) => n !== undefined),
    initializer: (graph.initializer ?? []).filter((t) => usedConstants.has(t.name ?? '')),
    sparse_initializer: (graph.sparse_initializer ?? []).filter((t) => usedConstants.has(t.values?.name ?? '')),
    input: [...inputs.map((t) => valueInfo(t, declaredInputs)), ...legacyInitializerInputs],
    output: outputs.map((t) => valueInfo(t, declaredOutputs)),
    value_info: (graph.value_info ?? []).filter((v) => produced.has(v.name ?? '') && !outputs.includes(v.name ?? '')),
  };
  const { graph: _whole, ...rest } = model;
  return { model: { ...rest, graph: segmentGraph }, inputs, outputs, nodes: nodeIndices.length };
}

function toValueInfo(name: string, info: TensorInfo | undefined): ValueInfoProto {
  const tensorType: NonNullable<NonNullable<ValueInfoProto['type']>['tensor_type']> = {};
  if (info?.elemType !== undefined) tensorType.elem_type = info.elemType;
  if (info?.shape !== undefined) {
    tensorType.shape = { dim: info.shape.map((d) => (typeof d === 'number' ? { dim_value: d } : typeof d === 'string' ? { dim_param: d } : {})) };
  }
  return { name, type: { tensor_type: tensorType } };
}

function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}
