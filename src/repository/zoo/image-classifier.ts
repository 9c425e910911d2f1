// Common frame of the zoo's ImageNet classifiers: input [N,3,224,224] FP32 → logits [N,1000] FP32.

import { GraphBuilder } from '../../onnx/graph-builder.js';
import type { FeatureMap } from '../../onnx/layers/feature-map.js';
import { modelSeed } from './zoo-version.js';

export const IMAGE_SIZE = 224;
export const IMAGENET_CLASSES = 1000;

/** `body` maps the input image to the logits tensor; the frame declares the input and the output. */
export function imageClassifierGraph(
  name: string,
  description: string,
  body: (b: GraphBuilder, image: FeatureMap) => string,
): GraphBuilder {
  const b = new GraphBuilder({ name, seed: modelSeed(name), description });
  const input = b.input('input', 'FP32', ['N', 3, IMAGE_SIZE, IMAGE_SIZE]);
  const logits = body(b, { name: input, channels: 3, height: IMAGE_SIZE, width: IMAGE_SIZE });
  b.output('logits', 'FP32', ['N', IMAGENET_CLASSES], logits);
  return b;
}
