// The two models of the overhead benchmark, with deterministic batch-1 inputs shared by every client and baseline.

import { SeededRandom, hashString } from '../../src/onnx/seeded-random.js';

export type BenchModelName = 'tiny-add' | 'resnet50';

export interface BenchInput {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

interface BenchModel {
  readonly inputs: readonly { readonly name: string; readonly shape: readonly number[] }[];
  readonly output: string;
}

export const BENCH_MODELS: Readonly<Record<BenchModelName, BenchModel>> = {
  'tiny-add': {
    inputs: [
      { name: 'a', shape: [1, 16] },
      { name: 'b', shape: [1, 16] },
    ],
    output: 'sum',
  },
  resnet50: { inputs: [{ name: 'input', shape: [1, 3, 224, 224] }], output: 'logits' },
};

/** Values in [-2, 2) rounded to 4 decimals, like normalised pixels, so JSON bodies have a realistic size. */
export function benchInputs(model: BenchModelName): BenchInput[] {
  const rng = new SeededRandom(hashString(`overhead:${model}`));
  return BENCH_MODELS[model].inputs.map(({ name, shape }) => {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = Math.round((rng.nextFloat() * 4 - 2) * 1e4) / 1e4;
    return { name, shape, data };
  });
}
