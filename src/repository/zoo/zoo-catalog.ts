// The built-in model zoo: every model Tessera can generate, with its task, declared accuracy and compute cost.

import type { GraphBuilder } from '../../onnx/graph-builder.js';
import { type BertShape, bertGraph } from './bert.js';
import { mobileNetV2Graph } from './mobilenet-v2.js';
import { RESNET_DESCRIPTION, type ResNetVariant, resnetGraph } from './resnet.js';
import { SQUEEZENET_DESCRIPTION, squeezenetGraph } from './squeezenet.js';
import { TINY_ADD_DESCRIPTION, tinyAddGraph } from './tiny-add.js';
import { VGG16_DESCRIPTION, vgg16Graph } from './vgg.js';

export interface ZooEntry {
  readonly name: string;
  readonly task: string;
  /** Published top-1 of the imitated architecture (fraction); the weights themselves are synthetic. */
  readonly declaredAccuracy?: number;
  readonly description: string;
  /** Multiply-accumulates per sample in billions (the "FLOPs" the papers quote), as counted when building. */
  readonly approxGflops: number;
  readonly maxBatchSize: number;
  /** Batch sizes the dynamic batcher prefers (written to config.yaml). */
  readonly preferredBatchSizes: readonly number[];
  /** The model's graph with its weights, before serialisation (layer helpers' MAC count included). */
  graph(): GraphBuilder;
  /** Serialised ONNX model. */
  build(): Uint8Array;
}

export const IMAGE_CLASSIFICATION = 'image-classification';
export const TEXT_CLASSIFICATION = 'text-classification';
export const TINY_TASK = 'tiny';

const CNN_BATCHING = { maxBatchSize: 32, preferredBatchSizes: [8, 16, 32] } as const;
const BERT_BATCHING = { maxBatchSize: 32, preferredBatchSizes: [8, 16, 32] } as const;
const TINY_BATCHING = { maxBatchSize: 1024, preferredBatchSizes: [64, 256, 1024] } as const;

function entry(e: Omit<ZooEntry, 'build'>): ZooEntry {
  return { ...e, build: () => e.graph().toBytes() };
}

function resnet(variant: ResNetVariant, declaredAccuracy: number, approxGflops: number): ZooEntry {
  return entry({
    name: variant,
    task: IMAGE_CLASSIFICATION,
    declaredAccuracy,
    description: RESNET_DESCRIPTION[variant],
    approxGflops,
    ...CNN_BATCHING,
    graph: () => resnetGraph(variant),
  });
}

function mobilenet(name: string, width: number, declaredAccuracy: number, approxGflops: number): ZooEntry {
  const description =
    `MobileNetV2-like (inverted residuals, depthwise-separable, ReLU6), width ${width.toFixed(1)}, synthetic weights`;
  return entry({
    name,
    task: IMAGE_CLASSIFICATION,
    declaredAccuracy,
    description,
    approxGflops,
    ...CNN_BATCHING,
    graph: () => mobileNetV2Graph(name, width, description),
  });
}

function bert(name: string, shape: BertShape, declaredAccuracy: number, approxGflops: number): ZooEntry {
  const { layers, hidden, heads } = shape;
  const description =
    `BERT-like encoder (${layers} layers, hidden ${hidden}, ${heads} heads, seq 128) for SST-2, synthetic weights`;
  return entry({
    name,
    task: TEXT_CLASSIFICATION,
    declaredAccuracy,
    description,
    approxGflops,
    ...BERT_BATCHING,
    graph: () => bertGraph(name, shape, description),
  });
}

export const ZOO: readonly ZooEntry[] = [
  resnet('resnet18', 0.6976, 1.82),
  resnet('resnet34', 0.7331, 3.67),
  resnet('resnet50', 0.7613, 4.09),
  mobilenet('mobilenetv2-1.0', 1.0, 0.7188, 0.30),
  mobilenet('mobilenetv2-0.5', 0.5, 0.654, 0.097),
  entry({
    name: 'vgg16',
    task: IMAGE_CLASSIFICATION,
    declaredAccuracy: 0.7159,
    description: VGG16_DESCRIPTION,
    approxGflops: 15.35,
    ...CNN_BATCHING,
    graph: vgg16Graph,
  }),
  entry({
    name: 'squeezenet1.1',
    task: IMAGE_CLASSIFICATION,
    declaredAccuracy: 0.5818,
    description: SQUEEZENET_DESCRIPTION,
    approxGflops: 0.35,
    ...CNN_BATCHING,
    graph: squeezenetGraph,
  }),
  bert('bert-tiny', { layers: 2, hidden: 128, heads: 2 }, 0.832, 0.058),
  bert('bert-mini', { layers: 4, hidden: 256, heads: 4 }, 0.859, 0.44),
  bert('bert-small', { layers: 4, hidden: 512, heads: 8 }, 0.897, 1.68),
  entry({
    name: 'tiny-add',
    task: TINY_TASK,
    description: TINY_ADD_DESCRIPTION,
    approxGflops: 0,
    ...TINY_BATCHING,
    graph: tinyAddGraph,
  }),
];

/** The zoo entry called `name`, if any. */
export function findZooEntry(name: string): ZooEntry | undefined {
  return ZOO.find((e) => e.name === name);
}
