// Which graph to cut: the model as stored, or the graph onnxruntime runs after its optimisations. On CPUs with
// AVX2 the latter keeps convolutions in the blocked NCHWc layout end to end; a cut in the stored graph makes
// onnxruntime convert the activation out of that layout before the cut and back after it, once per boundary
// (bench:segments measures what that costs), while a cut in the runtime graph hands the blocked tensor over as is.

import { decodeModelProto } from './onnx-proto.js';
import { type SegmentOptions, type SegmentedModel, segmentModel } from './segment-graph.js';
import { NCHWC_DOMAIN } from './segment-values.js';

export type CutGraph = 'runtime' | 'stored';

export interface SegmentChoice {
  readonly model: SegmentedModel;
  readonly graph: CutGraph;
  /** Why the stored graph was cut when a runtime graph was offered; undefined otherwise. */
  readonly reason?: string;
}

/** The runtime graph may have a largest segment this much larger (relative) than the stored graph's and still win. */
const LARGEST_SEGMENT_SLACK = 0.1;

/**
 * Cuts the stored model, and the runtime graph when given, and keeps the runtime graph's cut when it is in the
 * blocked layout, has the same inputs and outputs, and preempts about as finely (its largest segment's cost share
 * within 10% of the stored cut's). Otherwise the stored graph's cut, with the reason.
 */
export function chooseSegmentation(stored: Uint8Array, runtime: Uint8Array | undefined, options: SegmentOptions): SegmentChoice {
  const storedCut = segmentModel(stored, options);
  if (runtime === undefined) return { model: storedCut, graph: 'stored' };
  if (!(decodeModelProto(runtime).graph?.node ?? []).some((n) => n.domain === NCHWC_DOMAIN)) {
    return { model: storedCut, graph: 'stored', reason: 'the runtime graph has no blocked-layout operators' };
  }
  const runtimeCut = segmentModel(runtime, options);
  if (!sameNames(runtimeCut.inputs, storedCut.inputs) || !sameNames(runtimeCut.outputs, storedCut.outputs)) {
    return { model: storedCut, graph: 'stored', reason: 'the runtime graph renames the model inputs or outputs' };
  }
  const largest = (m: SegmentedModel): number => Math.max(...m.segments.map((s) => s.costFraction));
  if (runtimeCut.segments.length < 2 && storedCut.segments.length >= 2) {
    return { model: storedCut, graph: 'stored', reason: 'the runtime graph has no clean cut' };
  }
  if (largest(runtimeCut) > largest(storedCut) * (1 + LARGEST_SEGMENT_SLACK)) {
    return { model: storedCut, graph: 'stored', reason: 'the runtime graph cuts more coarsely' };
  }
  return { model: runtimeCut, graph: 'runtime' };
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
