// Version and seed of the generated zoo; bump ZOO_FORMAT_VERSION whenever a model's graph, weights or config.yaml change.

import { hashString } from '../../onnx/seeded-random.js';

export const ZOO_FORMAT_VERSION = 2;
export const ZOO_SEED = 20240917;

/** Each model draws its weights from its own stream, so adding a model never changes another one. */
export function modelSeed(name: string): number {
  return (ZOO_SEED ^ hashString(name)) >>> 0;
}
