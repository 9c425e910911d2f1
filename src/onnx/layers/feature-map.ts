// A CNN activation tensor [N, C, H, W] as the layer helpers track it: its name plus its static per-sample shape.

export interface FeatureMap {
  readonly name: string;
  readonly channels: number;
  readonly height: number;
  readonly width: number;
}

/** Output length of a sliding window over `size` (convolution or pooling). */
export function windowOutput(size: number, kernel: number, stride: number, pad: number, ceil = false): number {
  const span = size + 2 * pad - kernel;
  return (ceil ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
}
