// Graph segmentation on every zoo model in onnxruntime: running the segments one after another, feeding each the
// tensors earlier ones produced, gives the whole model's outputs; CNNs really are cut into several segments.

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import * as ort from 'onnxruntime-node';

import { GraphBuilder } from '../src/onnx/graph-builder.js';
import { SeededRandom } from '../src/onnx/seeded-random.js';
import { chooseSegmentation } from '../src/onnx/segment-choice.js';
import { type SegmentOptions, type SegmentedModel, segmentModel } from '../src/onnx/segment-graph.js';
import { NCHWC_DOMAIN } from '../src/onnx/segment-values.js';
import { decodeModelProto, encodeModelProto } from '../src/onnx/onnx-proto.js';
import { ZOO_MODEL_VERSION, generateZoo } from '../src/repository/zoo/generate-zoo.js';
import { IMAGE_CLASSIFICATION, TEXT_CLASSIFICATION, ZOO, type ZooEntry } from '../src/repository/zoo/zoo-catalog.js';

const INTRA_OP_THREADS = 2;
const TARGET_SEGMENTS = 8;
/** |segmented - whole| <= ABS_TOLERANCE + REL_TOLERANCE·|whole|: fusions across a cut change float rounding. */
const ABS_TOLERANCE = 1e-4;
const REL_TOLERANCE = 1e-4;
/** Cheap models also run at batch 2, to show the symbolic batch dimension survives the cuts. */
const BATCH_TWO = new Set(['tiny-add', 'resnet18', 'mobilenetv2-0.5', 'squeezenet1.1', 'bert-tiny']);

type Feeds = Record<string, ort.Tensor>;

function feedsFor(entry: ZooEntry, batch: number): Feeds {
  const rng = new SeededRandom(batch);
  if (entry.task === IMAGE_CLASSIFICATION) {
    return { input: new ort.Tensor('float32', rng.uniformWithStd(batch * 3 * 224 * 224, 1), [batch, 3, 224, 224]) };
  }
  if (entry.task === TEXT_CLASSIFICATION) {
    const ids = BigInt64Array.from({ length: batch * 128 }, () => BigInt(rng.nextInt(30522)));
    return { input_ids: new ort.Tensor('int64', ids, [batch, 128]) };
  }
  return {
    a: new ort.Tensor('float32', rng.uniformWithStd(batch * 16, 1), [batch, 16]),
    b: new ort.Tensor('float32', rng.uniformWithStd(batch * 16, 1), [batch, 16]),
  };
}

async function runWhole(bytes: Uint8Array, feeds: Feeds): Promise<Feeds> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: INTRA_OP_THREADS });
  try {
    return (await session.run(feeds)) as Feeds;
  } finally {
    await session.release();
  }
}

/** Runs the segments in order, keeping every tensor a later segment reads, as the worker does. */
async function runSegmented(model: SegmentedModel, feeds: Feeds): Promise<Feeds> {
  const kept = new Map(Object.entries(feeds));
  for (const segment of model.segments) {
    const session = await ort.InferenceSession.create(segment.bytes, { intraOpNumThreads: INTRA_OP_THREADS });
    try {
      const inputs: Feeds = {};
      for (const name of segment.inputs) inputs[name] = kept.get(name) as ort.Tensor;
      const outputs = (await session.run(inputs)) as Feeds;
      for (const name of segment.outputs) kept.set(name, outputs[name] as ort.Tensor);
    } finally {
      await session.release();
    }
  }
  return Object.fromEntries(model.outputs.map((name) => [name, kept.get(name) as ort.Tensor]));
}

function assertClose(actual: Feeds, expected: Feeds): void {
  assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort());
  for (const [name, want] of Object.entries(expected)) {
    const got = actual[name] as ort.Tensor;
    assert.deepEqual(got.dims, want.dims, `${name} dims`);
    const a = got.data as Float32Array;
    const e = want.data as Float32Array;
    let worst = 0;
    for (let i = 0; i < e.length; i++) {
      const excess = Math.abs((a[i] as number) - (e[i] as number)) - (ABS_TOLERANCE + REL_TOLERANCE * Math.abs(e[i] as number));
      worst = Math.max(worst, excess);
    }
    assert.ok(worst <= 0, `${name} differs by ${worst} beyond the tolerance`);
  }
}

async function assertSegmentsMatch(bytes: Uint8Array, model: SegmentedModel, feeds: Feeds): Promise<void> {
  assertClose(await runSegmented(model, feeds), await runWhole(bytes, feeds));
}

/** The zoo, generated once for both suites below. */
let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tessera-segment-zoo-'));
  await generateZoo(dir);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('segmented zoo models in onnxruntime', () => {
  for (const entry of ZOO) {
    it(`${entry.name}: the segments run in sequence give the whole model's outputs`, async () => {
      const bytes = new Uint8Array(await readFile(join(dir, entry.name, ZOO_MODEL_VERSION, 'model.onnx')));
      const model = segmentModel(bytes, { targetSegments: TARGET_SEGMENTS });
      assert.ok(model.segments.length >= 1 && model.segments.length <= TARGET_SEGMENTS);
      if (entry.task === IMAGE_CLASSIFICATION) assert.ok(model.segments.length > 1, `${entry.name}: ${model.segments.length} segment`);
      const shares = model.segments.reduce((sum, s) => sum + s.costFraction, 0);
      assert.ok(Math.abs(shares - 1) < 1e-9, `cost fractions sum to ${shares}`);
      for (const batch of BATCH_TWO.has(entry.name) ? [1, 2] : [1]) await assertSegmentsMatch(bytes, model, feedsFor(entry, batch));
    });
  }
});

describe("segmented runtime graphs (onnxruntime's optimised graph, blocked NCHWc layout where the CPU has it)", () => {
  /** What the engine gets from an executor: the graph onnxruntime runs, saved when a session opens. */
  async function runtimeGraph(path: string, name: string): Promise<Uint8Array> {
    const out = join(dir, `${name}.runtime.onnx`);
    const session = await ort.InferenceSession.create(path, { intraOpNumThreads: 1, graphOptimizationLevel: 'all', optimizedModelFilePath: out, logSeverityLevel: 3 });
    await session.release();
    return new Uint8Array(await readFile(out));
  }

  it('keeps the stored cut when the runtime graph names its outputs differently', async () => {
    const path = join(dir, 'squeezenet1.1', ZOO_MODEL_VERSION, 'model.onnx');
    const runtime = decodeModelProto(await runtimeGraph(path, 'renamed'));
    const blocked = (runtime.graph?.node ?? []).some((n) => n.domain === NCHWC_DOMAIN);
    const output = runtime.graph?.output?.[0];
    assert.ok(output?.name !== undefined);
    for (const n of runtime.graph?.node ?? []) n.output = (n.output ?? []).map((o) => (o === output.name ? 'renamed' : o));
    output.name = 'renamed';
    const choice = chooseSegmentation(new Uint8Array(await readFile(path)), encodeModelProto(runtime), { targetSegments: TARGET_SEGMENTS });
    assert.equal(choice.graph, 'stored');
    assert.equal(choice.reason, blocked ? 'the runtime graph renames the model inputs or outputs' : 'the runtime graph has no blocked-layout operators');
  });

  for (const entry of ZOO.filter((e) => e.task === IMAGE_CLASSIFICATION || e.name === 'bert-tiny')) {
    it(`${entry.name}: the chosen cut runs in sequence and gives the whole model's outputs`, async () => {
      const path = join(dir, entry.name, ZOO_MODEL_VERSION, 'model.onnx');
      const stored = new Uint8Array(await readFile(path));
      const runtime = await runtimeGraph(path, entry.name);
      const blocked = (decodeModelProto(runtime).graph?.node ?? []).some((n) => n.domain === NCHWC_DOMAIN);
      const choice = chooseSegmentation(stored, runtime, { targetSegments: TARGET_SEGMENTS });
      if (!blocked) assert.equal(choice.reason, 'the runtime graph has no blocked-layout operators');
      // On a CPU with the blocked layout, CNNs are cut in it: no layout conversion at the boundaries.
      if (blocked && entry.task === IMAGE_CLASSIFICATION) assert.equal(choice.graph, 'runtime', choice.reason);
      if (entry.task === IMAGE_CLASSIFICATION) assert.ok(choice.model.segments.length > 1, `${entry.name}: ${choice.model.segments.length} segment`);
      for (const batch of BATCH_TWO.has(entry.name) ? [1, 2] : [1]) await assertSegmentsMatch(stored, choice.model, feedsFor(entry, batch));
    });
  }
});

describe('segmented arbitrary graphs in onnxruntime', () => {
  /** A model input read only at the end, a branch that merges, and two outputs (one produced early). */
  function branchy(): Uint8Array {
    const b = new GraphBuilder({ name: 'branchy', seed: 7 });
    const a = b.input('a', 'FP32', ['N', 8]);
    const late = b.input('late', 'FP32', ['N', 8]);
    const h = b.op('Relu', [b.op('MatMul', [a, b.randomWeight('w', [8, 8], 0.5)])]);
    b.output('early', 'FP32', ['N', 8], b.op('Neg', [h]));
    const left = b.op('Sigmoid', [b.op('MatMul', [h, b.randomWeight('w', [8, 8], 0.5)])]);
    const right = b.op('Tanh', [h]);
    let x = b.op('Mul', [left, right]);
    for (let i = 0; i < 3; i++) x = b.op('Relu', [b.op('MatMul', [x, b.randomWeight('w', [8, 8], 0.5)])]);
    b.output('y', 'FP32', ['N', 8], b.op('Add', [x, late]));
    return b.toBytes();
  }

  const feeds = (): Feeds => {
    const rng = new SeededRandom(3);
    return {
      a: new ort.Tensor('float32', rng.uniformWithStd(16, 1), [2, 8]),
      late: new ort.Tensor('float32', rng.uniformWithStd(16, 1), [2, 8]),
    };
  };

  for (const options of [{ targetSegments: 4 }, { targetSegments: 4, maxCrossingTensors: 3 }, { maxCostFraction: 0.2 }] as SegmentOptions[]) {
    it(`matches the whole graph when cut with ${JSON.stringify(options)}`, async () => {
      const bytes = branchy();
      const model = segmentModel(bytes, options);
      assert.ok(model.segments.length > 1, 'the early output and the late input do not prevent cuts');
      await assertSegmentsMatch(bytes, model, feeds());
    });
  }
});
