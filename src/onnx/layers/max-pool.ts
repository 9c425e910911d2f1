// Max pooling over a feature map.

import type { GraphBuilder } from '../graph-builder.js';
import { type FeatureMap, windowOutput } from './feature-map.js';

export interface MaxPoolOptions {
  readonly kernel: number;
  readonly stride: number;
  /** Default 0. */
  readonly pad?: number;
  /** Round the output size up (SqueezeNet's pools); default false. */
  readonly ceil?: boolean;
}

export function maxPool(b: GraphBuilder, x: FeatureMap, o: MaxPoolOptions): FeatureMap {
  const pad = o.pad ?? 0;
  const ceil = o.ceil ?? false;
  const y = b.op('MaxPool', [x.name], {
    kernel_shape: { ints: [o.kernel, o.kernel] },
    strides: { ints: [o.stride, o.stride] },
    pads: { ints: [pad, pad, pad, pad] },
    ...(ceil ? { ceil_mode: { int: 1 } } : {}),
  });
  return {
    name: y,
    channels: x.channels,
    height: windowOutput(x.height, o.kernel, o.stride, pad, ceil),
    width: windowOutput(x.width, o.kernel, o.stride, pad, ceil),
  };
}
