// Convolution + bias + optional ReLU/ReLU6 (BatchNorm folded away), with He-scaled seeded weights.

import type { GraphBuilder } from '../graph-builder.js';
import { type FeatureMap, windowOutput } from './feature-map.js';

export type Activation = 'relu' | 'relu6' | 'none';

export interface Conv2dOptions {
  readonly outChannels: number;
  readonly kernel: number;
  /** Default 1. */
  readonly stride?: number;
  /** Zero padding on every side; default kernel/2 rounded down ("same" for odd kernels at stride 1). */
  readonly pad?: number;
  /** Default 1; equal to the input channels for a depthwise convolution. */
  readonly groups?: number;
  /** Default 'relu'. */
  readonly activation?: Activation;
  /**
   * Multiplies the He standard deviation. Below 1 on the last convolution of a residual branch so the sum
   * x + f(x) grows slowly with depth (the role BatchNorm's zero-initialised gamma plays in trained nets).
   */
  readonly gain?: number;
}

/** Bias spread: small, so ReLUs start mostly active but units still differ. */
const BIAS_STD = 0.01;

export function conv2d(b: GraphBuilder, x: FeatureMap, o: Conv2dOptions): FeatureMap {
  const stride = o.stride ?? 1;
  const pad = o.pad ?? Math.floor(o.kernel / 2);
  const groups = o.groups ?? 1;
  const activation = o.activation ?? 'relu';
  const fanIn = (x.channels / groups) * o.kernel * o.kernel;
  // He scaling keeps the second moment through ReLU layers; linear layers get half of that variance.
  const std = (o.gain ?? 1) * Math.sqrt((activation === 'none' ? 1 : 2) / fanIn);
  const weight = b.randomWeight('conv_w', [o.outChannels, x.channels / groups, o.kernel, o.kernel], std);
  const bias = b.initializer('conv_b', [o.outChannels], b.rng.uniformWithStd(o.outChannels, BIAS_STD));
  const attributes = {
    kernel_shape: { ints: [o.kernel, o.kernel] },
    strides: { ints: [stride, stride] },
    pads: { ints: [pad, pad, pad, pad] },
    ...(groups === 1 ? {} : { group: { int: groups } }),
  };
  let y = b.op('Conv', [x.name, weight, bias], attributes);
  if (activation === 'relu') y = b.op('Relu', [y]);
  if (activation === 'relu6') y = b.op('Clip', [y, b.floatScalar(0), b.floatScalar(6)]);
  const height = windowOutput(x.height, o.kernel, stride, pad);
  const width = windowOutput(x.width, o.kernel, stride, pad);
  b.addMacs(o.outChannels * height * width * fanIn);
  return { name: y, channels: o.outChannels, height, width };
}
