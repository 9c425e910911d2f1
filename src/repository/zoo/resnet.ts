// ResNet-18/34 (basic blocks) and ResNet-50 (bottleneck blocks, stride on the 3x3 as in torchvision), BatchNorm folded.

import type { GraphBuilder } from '../../onnx/graph-builder.js';
import { classifierHead } from '../../onnx/layers/classifier-head.js';
import { conv2d } from '../../onnx/layers/conv2d.js';
import type { FeatureMap } from '../../onnx/layers/feature-map.js';
import { maxPool } from '../../onnx/layers/max-pool.js';
import { residualAdd } from '../../onnx/layers/residual-add.js';
import { IMAGENET_CLASSES, imageClassifierGraph } from './image-classifier.js';

export type ResNetVariant = 'resnet18' | 'resnet34' | 'resnet50';

const STAGE_WIDTHS = [64, 128, 256, 512] as const;
const BLOCKS: Record<ResNetVariant, readonly number[]> = {
  resnet18: [2, 2, 2, 2],
  resnet34: [3, 4, 6, 3],
  resnet50: [3, 4, 6, 3],
};
const BOTTLENECK_EXPANSION = 4;
/** Gain of each branch's last convolution: variance grows by (1 + gain²) per block instead of doubling. */
const RESIDUAL_GAIN = 0.2;

export const RESNET_DESCRIPTION: Record<ResNetVariant, string> = {
  resnet18: 'ResNet-18-like (basic blocks), synthetic weights',
  resnet34: 'ResNet-34-like (basic blocks), synthetic weights',
  resnet50: 'ResNet-50-like (bottleneck blocks), synthetic weights',
};

export function resnetGraph(variant: ResNetVariant): GraphBuilder {
  return imageClassifierGraph(variant, RESNET_DESCRIPTION[variant], (b, image) => {
    let x = conv2d(b, image, { outChannels: 64, kernel: 7, stride: 2 });
    x = maxPool(b, x, { kernel: 3, stride: 2, pad: 1 });
    const block = variant === 'resnet50' ? bottleneckBlock : basicBlock;
    BLOCKS[variant].forEach((count, stage) => {
      for (let i = 0; i < count; i++) {
        x = block(b, x, STAGE_WIDTHS[stage] as number, stage > 0 && i === 0 ? 2 : 1);
      }
    });
    return classifierHead(b, x, IMAGENET_CLASSES);
  });
}

function shortcut(b: GraphBuilder, x: FeatureMap, outChannels: number, stride: number): FeatureMap {
  if (stride === 1 && x.channels === outChannels) return x;
  return conv2d(b, x, { outChannels, kernel: 1, stride, activation: 'none' });
}

function basicBlock(b: GraphBuilder, x: FeatureMap, width: number, stride: number): FeatureMap {
  const y = conv2d(b, x, { outChannels: width, kernel: 3, stride });
  const branch = conv2d(b, y, { outChannels: width, kernel: 3, activation: 'none', gain: RESIDUAL_GAIN });
  return residualAdd(b, shortcut(b, x, width, stride), branch, true);
}

function bottleneckBlock(b: GraphBuilder, x: FeatureMap, width: number, stride: number): FeatureMap {
  const outChannels = width * BOTTLENECK_EXPANSION;
  let y = conv2d(b, x, { outChannels: width, kernel: 1 });
  y = conv2d(b, y, { outChannels: width, kernel: 3, stride });
  const branch = conv2d(b, y, { outChannels, kernel: 1, activation: 'none', gain: RESIDUAL_GAIN });
  return residualAdd(b, shortcut(b, x, outChannels, stride), branch, true);
}
