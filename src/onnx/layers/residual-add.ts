// Residual connection: x + f(x), optionally followed by ReLU (ResNet) or not (MobileNetV2).

import type { GraphBuilder } from '../graph-builder.js';
import type { FeatureMap } from './feature-map.js';

export function residualAdd(b: GraphBuilder, shortcut: FeatureMap, branch: FeatureMap, relu: boolean): FeatureMap {
  const sum = b.op('Add', [shortcut.name, branch.name]);
  return { ...branch, name: relu ? b.op('Relu', [sum]) : sum };
}
