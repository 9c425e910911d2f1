// MobileNetV2 (inverted residuals, depthwise-separable convolutions, ReLU6 as Clip) at a width multiplier.

import type { GraphBuilder } from '../../onnx/graph-builder.js';
import { classifierHead } from '../../onnx/layers/classifier-head.js';
import { conv2d } from '../../onnx/layers/conv2d.js';
import type { FeatureMap } from '../../onnx/layers/feature-map.js';
import { residualAdd } from '../../onnx/layers/residual-add.js';
import { IMAGENET_CLASSES, imageClassifierGraph } from './image-classifier.js';

/** [expansion t, output channels c, repeats n, first stride s] from the MobileNetV2 paper, Table 2. */
const INVERTED_RESIDUAL_SETTINGS: readonly (readonly [number, number, number, number])[] = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
  [6, 160, 3, 2],
  [6, 320, 1, 1],
];
const STEM_CHANNELS = 32;
const LAST_CHANNELS = 1280;
const CHANNEL_DIVISOR = 8;
const RESIDUAL_GAIN = 0.2;

/** torchvision's _make_divisible: round to a multiple of 8, never more than 10% below the exact width. */
function makeDivisible(value: number): number {
  const rounded = Math.max(CHANNEL_DIVISOR, Math.floor(value / CHANNEL_DIVISOR + 0.5) * CHANNEL_DIVISOR);
  return rounded < 0.9 * value ? rounded + CHANNEL_DIVISOR : rounded;
}

export function mobileNetV2Graph(name: string, widthMultiplier: number, description: string): GraphBuilder {
  return imageClassifierGraph(name, description, (b, image) => {
    const stem = makeDivisible(STEM_CHANNELS * widthMultiplier);
    let x = conv2d(b, image, { outChannels: stem, kernel: 3, stride: 2, activation: 'relu6' });
    for (const [t, c, n, s] of INVERTED_RESIDUAL_SETTINGS) {
      const outChannels = makeDivisible(c * widthMultiplier);
      for (let i = 0; i < n; i++) x = invertedResidual(b, x, outChannels, i === 0 ? s : 1, t);
    }
    // The last layer does not shrink below 1280 channels for multipliers under 1 (as in the paper).
    const last = makeDivisible(LAST_CHANNELS * Math.max(1, widthMultiplier));
    x = conv2d(b, x, { outChannels: last, kernel: 1, activation: 'relu6' });
    return classifierHead(b, x, IMAGENET_CLASSES);
  });
}

function invertedResidual(
  b: GraphBuilder,
  x: FeatureMap,
  outChannels: number,
  stride: number,
  expansion: number,
): FeatureMap {
  const hidden = x.channels * expansion;
  const residual = stride === 1 && x.channels === outChannels;
  let y = expansion === 1 ? x : conv2d(b, x, { outChannels: hidden, kernel: 1, activation: 'relu6' });
  y = conv2d(b, y, { outChannels: hidden, kernel: 3, stride, groups: hidden, activation: 'relu6' });
  y = conv2d(b, y, { outChannels, kernel: 1, activation: 'none', gain: residual ? RESIDUAL_GAIN : 1 });
  return residual ? residualAdd(b, x, y, false) : y;
}
