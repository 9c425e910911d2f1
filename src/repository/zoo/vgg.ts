// VGG-16's 13 convolutions and 5 max pools; a pooled 512→1000 head replaces the 4096-wide FC layers to keep ~60 MB.

import type { GraphBuilder } from '../../onnx/graph-builder.js';
import { classifierHead } from '../../onnx/layers/classifier-head.js';
import { conv2d } from '../../onnx/layers/conv2d.js';
import { maxPool } from '../../onnx/layers/max-pool.js';
import { IMAGENET_CLASSES, imageClassifierGraph } from './image-classifier.js';

/** Configuration "D" of the VGG paper: channel counts, 'M' for a 2x2 max pool. */
const VGG16_LAYERS: readonly (number | 'M')[] = [
  64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M',
];

export const VGG16_DESCRIPTION =
  'VGG-16-like (13 conv layers, 5 max pools); global average pooling + a 512->1000 classifier replace the ' +
  '4096-wide FC layers; synthetic weights';

export function vgg16Graph(): GraphBuilder {
  return imageClassifierGraph('vgg16', VGG16_DESCRIPTION, (b, image) => {
    let x = image;
    for (const layer of VGG16_LAYERS) {
      x = layer === 'M' ? maxPool(b, x, { kernel: 2, stride: 2 }) : conv2d(b, x, { outChannels: layer, kernel: 3 });
    }
    return classifierHead(b, x, IMAGENET_CLASSES);
  });
}
