// CNN head: global average pooling, flatten, then a fully connected layer to the class logits [N, classes].

import type { GraphBuilder } from '../graph-builder.js';
import type { FeatureMap } from './feature-map.js';
import { linear } from './linear.js';

export function classifierHead(b: GraphBuilder, x: FeatureMap, classes: number): string {
  const pooled = b.op('Flatten', [b.op('GlobalAveragePool', [x.name])], { axis: { int: 1 } });
  return linear(b, pooled, { inFeatures: x.channels, outFeatures: classes });
}
