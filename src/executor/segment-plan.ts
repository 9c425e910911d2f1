// Which tensors a segmented model's job keeps between segments: the whole model's inputs and outputs, and what can
// be freed after each segment (tensors no later segment reads and that are not final outputs).

import { ServingError } from '../core/errors.js';

export interface SegmentIo {
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

export interface SegmentPlan {
  /** Tensors some segment reads that no earlier segment produces, in order of first use. */
  readonly modelInputs: readonly string[];
  readonly modelOutputs: readonly string[];
  /** Per segment: tensors to free once it has run. */
  readonly releaseAfter: readonly (readonly string[])[];
}

export function planSegments(segments: readonly SegmentIo[], outputNames?: readonly string[]): SegmentPlan {
  const last = segments[segments.length - 1];
  if (last === undefined) throw new ServingError('INVALID_ARGUMENT', 'a segmented model needs at least one segment');
  const produced = new Set<string>();
  const modelInputs: string[] = [];
  const lastUse = new Map<string, number>();
  segments.forEach((s, k) => {
    for (const name of s.inputs) {
      if (!produced.has(name) && !modelInputs.includes(name)) modelInputs.push(name);
      lastUse.set(name, k);
    }
    for (const name of s.outputs) {
      produced.add(name);
      if (!lastUse.has(name)) lastUse.set(name, k); // read by nobody later: freed right away unless a final output
    }
  });
  const modelOutputs = outputNames ?? last.outputs;
  for (const name of modelOutputs) {
    if (!produced.has(name) && !modelInputs.includes(name)) {
      throw new ServingError('INVALID_ARGUMENT', `model output '${name}' is produced by no segment`);
    }
  }
  const keep = new Set(modelOutputs);
  const releaseAfter = segments.map((): string[] => []);
  for (const [name, k] of lastUse) if (!keep.has(name)) releaseAfter[k]?.push(name);
  return { modelInputs, modelOutputs, releaseAfter };
}
