// Analysis the segmenter runs on a decoded graph: execution order, constant-derived nodes, element types and
// shapes of every tensor, and the cost proxy of every node.

import { ServingError } from '../core/errors.js';
import type { GraphProto, NodeProto, ValueInfoProto } from './onnx-proto.js';
import { nodeCost } from './segment-cost.js';
import { type Dim, type Shape, outputShapes } from './segment-shapes.js';
import { outputElemTypes } from './segment-types.js';
import { constantNodeInts, tensorInts } from './segment-values.js';

export interface TensorInfo {
  readonly elemType: number | undefined;
  readonly shape: Shape;
}

export interface GraphAnalysis {
  /** All nodes in a topological order (the file's order where it already is one). */
  readonly order: readonly NodeProto[];
  /** Per node of `order`: every tensor it reads, subgraph (outer-scope) references included, no ''. */
  readonly reads: readonly (readonly string[])[];
  /** Per node of `order`: true when it depends on constants only, so every segment may carry its own copy. */
  readonly constant: readonly boolean[];
  /** Per node of `order`: the cost proxy (0 for constant nodes). */
  readonly cost: readonly number[];
  /** Initializer names (dense and sparse). */
  readonly initializers: ReadonlySet<string>;
  /** Graph inputs that are not initializers (what a caller feeds). */
  readonly inputs: readonly string[];
  readonly info: ReadonlyMap<string, TensorInfo>;
}

/** Operators that must run every time, so they are never treated as constants. */
const NONDETERMINISTIC = new Set(['RandomNormal', 'RandomNormalLike', 'RandomUniform', 'RandomUniformLike', 'Multinomial', 'Bernoulli']);

export function analyseGraph(graph: GraphProto): GraphAnalysis {
  const initializers = new Set<string>();
  for (const t of graph.initializer ?? []) if (t.name !== undefined) initializers.add(t.name);
  for (const s of graph.sparse_initializer ?? []) if (s.values?.name !== undefined) initializers.add(s.values.name);
  const inputs = (graph.input ?? []).map((v) => v.name ?? '').filter((n) => n !== '' && !initializers.has(n));

  const { order, reads } = topologicalOrder(graph.node ?? []);
  const constantTensors = new Set(initializers);
  const constant = order.map((node, i) => {
    const isConstant = !NONDETERMINISTIC.has(node.op_type ?? '') && !hasSubgraph(node) && (reads[i] ?? []).every((t) => constantTensors.has(t));
    if (isConstant) for (const o of node.output ?? []) if (o !== '') constantTensors.add(o);
    return isConstant;
  });

  const info = new Map<string, TensorInfo>();
  const declared = new Map<string, TensorInfo>();
  for (const v of [...(graph.input ?? []), ...(graph.value_info ?? []), ...(graph.output ?? [])]) {
    const t = fromValueInfo(v);
    if (v.name !== undefined && t !== undefined) declared.set(v.name, t);
  }
  for (const t of graph.initializer ?? []) if (t.name !== undefined) info.set(t.name, { elemType: t.data_type, shape: t.dims ?? [] });
  for (const s of graph.sparse_initializer ?? []) {
    if (s.values?.name !== undefined) info.set(s.values.name, { elemType: s.values.data_type, shape: s.dims ?? undefined });
  }
  for (const name of inputs) {
    const d = declared.get(name);
    if (d !== undefined) info.set(name, d);
  }

  const ints = new Map<string, readonly number[]>();
  for (const t of graph.initializer ?? []) {
    const values = t.name === undefined || (t.dims ?? []).length > 1 ? undefined : tensorInts(t);
    if (values !== undefined) ints.set(t.name as string, values);
  }
  const constInts = (name: string): readonly number[] | undefined => ints.get(name);

  const cost = order.map((node, i) => {
    const ins = (node.input ?? []).map((n) => (n === '' ? undefined : info.get(n)));
    const types = outputElemTypes(node, ins.map((t) => t?.elemType));
    const shapes = outputShapes(node, ins.map((t) => t?.shape), constInts);
    (node.output ?? []).forEach((name, k) => {
      if (name === '') return;
      // A declared type/shape (value_info or graph output) wins over inference.
      info.set(name, declared.get(name) ?? { elemType: types[k], shape: shapes[k] });
    });
    if (node.op_type === 'Constant' && node.output?.[0] !== undefined) {
      const values = constantNodeInts(node);
      if (values !== undefined) ints.set(node.output[0], values);
    }
    return constant[i] === true ? 0 : nodeCost(node, ins.map((t) => t?.shape), shapes);
  });
  return { order, reads, constant, cost, initializers, inputs, info };
}

/** The file's order when it is topological (ONNX requires it); otherwise Kahn's algorithm. */
function topologicalOrder(nodes: readonly NodeProto[]): { order: NodeProto[]; reads: string[][] } {
  const reads = nodes.map(nodeReads);
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => (n.output ?? []).forEach((o) => o !== '' && producer.set(o, i)));
  const deps = reads.map((names, i) => [...new Set(names.map((n) => producer.get(n)))].filter((p): p is number => p !== undefined && p !== i));
  if (deps.every((ps, i) => ps.every((p) => p < i))) return { order: [...nodes], reads };
  const waiting = deps.map((ps) => ps.length);
  const dependents: number[][] = nodes.map(() => []);
  deps.forEach((ps, i) => ps.forEach((p) => dependents[p]?.push(i)));
  const order = waiting.flatMap((w, i) => (w === 0 ? [i] : []));
  for (let k = 0; k < order.length; k++) {
    for (const d of dependents[order[k] as number] ?? []) if (--(waiting[d] as number) === 0) order.push(d);
  }
  if (order.length !== nodes.length) throw new ServingError('INVALID_ARGUMENT', 'the ONNX graph has a cycle');
  return { order: order.map((i) => nodes[i] as NodeProto), reads: order.map((i) => reads[i] as string[]) };
}

/** Inputs of a node plus the outer-scope tensors its subgraphs (If/Loop/Scan bodies) read. */
function nodeReads(node: NodeProto): string[] {
  const names = new Set((node.input ?? []).filter((n) => n !== ''));
  for (const a of node.attribute ?? []) for (const g of [...(a.g === undefined ? [] : [a.g]), ...(a.graphs ?? [])]) {
    for (const n of outerReferences(g)) names.add(n);
  }
  return [...names];
}

function outerReferences(graph: GraphProto): Set<string> {
  const defined = new Set<string>();
  for (const v of graph.input ?? []) if (v.name !== undefined) defined.add(v.name);
  for (const t of graph.initializer ?? []) if (t.name !== undefined) defined.add(t.name);
  for (const n of graph.node ?? []) for (const o of n.output ?? []) defined.add(o);
  const outer = new Set<string>();
  for (const n of graph.node ?? []) for (const r of nodeReads(n)) if (!defined.has(r)) outer.add(r);
  for (const v of graph.output ?? []) if (v.name !== undefined && !defined.has(v.name)) outer.add(v.name);
  return outer;
}

function hasSubgraph(node: NodeProto): boolean {
  return (node.attribute ?? []).some((a) => a.g !== undefined || (a.graphs ?? []).length > 0);
}

function fromValueInfo(v: ValueInfoProto): TensorInfo | undefined {
  const t = v.type?.tensor_type;
  if (t === undefined) return undefined;
  const shape: Dim[] | undefined = t.shape?.dim?.map((d) => d.dim_value ?? (d.dim_param === '' ? undefined : d.dim_param));
  return { elemType: t.elem_type, shape };
}
