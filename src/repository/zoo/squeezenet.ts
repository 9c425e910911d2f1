// SqueezeNet 1.1: fire modules (1x1 squeeze, parallel 1x1/3x3 expands joined by Concat), conv classifier.

import type { GraphBuilder } from '../../onnx/graph-builder.js';
import { conv2d } from '../../onnx/layers/conv2d.js';
import type { FeatureMap } from '../../onnx/layers/feature-map.js';
import { maxPool } from '../../onnx/layers/max-pool.js';
import { IMAGENET_CLASSES, imageClassifierGraph } from './image-classifier.js';

export const SQUEEZENET_DESCRIPTION = 'SqueezeNet-1.1-like (fire modules with Concat), synthetic weights';

/** [squeeze, expand1x1, expand3x3] per fire module, 'M' for a max pool, as in torchvision's squeezenet1_1. */
const FIRE_LAYERS: readonly (readonly [number, number, number] | 'M')[] = [
  [16, 64, 64],
  [16, 64, 64],
  'M',
  [32, 128, 128],
  [32, 128, 128],
  'M',
  [48, 192, 192],
  [48, 192, 192],
  [64, 256, 256],
  [64, 256, 256],
];

export function squeezenetGraph(): GraphBuilder {
  return imageClassifierGraph('squeezenet1.1', SQUEEZENET_DESCRIPTION, (b, image) => {
    let x = conv2d(b, image, { outChannels: 64, kernel: 3, stride: 2, pad: 0 });
    x = maxPool(b, x, { kernel: 3, stride: 2, ceil: true });
    for (const layer of FIRE_LAYERS) {
      x = layer === 'M' ? maxPool(b, x, { kernel: 3, stride: 2, ceil: true }) : fire(b, x, ...layer);
    }
    // The classifier is a 1x1 convolution to the classes, ReLU, then global average pooling.
    x = conv2d(b, x, { outChannels: IMAGENET_CLASSES, kernel: 1 });
    return b.op('Flatten', [b.op('GlobalAveragePool', [x.name])], { axis: { int: 1 } });
  });
}

function fire(b: GraphBuilder, x: FeatureMap, squeeze: number, expand1: number, expand3: number): FeatureMap {
  const s = conv2d(b, x, { outChannels: squeeze, kernel: 1 });
  const e1 = conv2d(b, s, { outChannels: expand1, kernel: 1 });
  const e3 = conv2d(b, s, { outChannels: expand3, kernel: 3 });
  return { ...e1, name: b.op('Concat', [e1.name, e3.name], { axis: { int: 1 } }), channels: expand1 + expand3 };
}
