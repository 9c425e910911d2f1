// BERT miniatures for SST-2: embeddings, post-LayerNorm encoder layers, [CLS] pooler and a 2-way classifier.

import { GraphBuilder } from '../../onnx/graph-builder.js';
import { gelu } from '../../onnx/layers/gelu.js';
import { layerNorm } from '../../onnx/layers/layer-norm.js';
import { linear } from '../../onnx/layers/linear.js';
import { multiHeadAttention } from '../../onnx/layers/multi-head-attention.js';
import { modelSeed } from './zoo-version.js';

export const BERT_VOCAB_SIZE = 30522;
export const BERT_SEQ_LEN = 128;
export const SST2_CLASSES = 2;
const FFN_EXPANSION = 4;
/** BERT's initializer range for embeddings. */
const EMBEDDING_STD = 0.02;
const CLS_POSITION = 0;

export interface BertShape {
  readonly layers: number;
  readonly hidden: number;
  readonly heads: number;
}

export function bertGraph(name: string, shape: BertShape, description: string): GraphBuilder {
  const { hidden, heads } = shape;
  const b = new GraphBuilder({ name, seed: modelSeed(name), description });
  const ids = b.input('input_ids', 'INT64', ['N', BERT_SEQ_LEN]);

  // Positions are always 0..S-1 and segment ids always 0, so one [S, H] table covers both embeddings.
  const words = b.op('Gather', [b.randomWeight('word_embeddings', [BERT_VOCAB_SIZE, hidden], EMBEDDING_STD), ids]);
  const positions = b.randomWeight('position_embeddings', [BERT_SEQ_LEN, hidden], EMBEDDING_STD);
  let x = layerNorm(b, b.op('Add', [words, positions]), hidden);

  const rows = BERT_SEQ_LEN;
  for (let layer = 0; layer < shape.layers; layer++) {
    const attention = multiHeadAttention(b, x, { hidden, heads, seqLen: BERT_SEQ_LEN });
    x = layerNorm(b, b.op('Add', [x, attention]), hidden);
    const inner = gelu(b, linear(b, x, { inFeatures: hidden, outFeatures: FFN_EXPANSION * hidden, rows }));
    const ffn = linear(b, inner, { inFeatures: FFN_EXPANSION * hidden, outFeatures: hidden, rows });
    x = layerNorm(b, b.op('Add', [x, ffn]), hidden);
  }

  // Pooler: the [CLS] token's vector ([N, H]) through a tanh dense layer, then the classifier.
  const cls = b.op('Gather', [x, b.int64('cls_index', CLS_POSITION)], { axis: { int: 1 } });
  const pooled = b.op('Tanh', [linear(b, cls, { inFeatures: hidden, outFeatures: hidden })]);
  const logits = linear(b, pooled, { inFeatures: hidden, outFeatures: SST2_CLASSES });
  b.output('logits', 'FP32', ['N', SST2_CLASSES], logits);
  return b;
}
