// Integration tests of the model zoo: every model runs in onnxruntime with the declared tensors, and generateZoo
// writes, reuses and regenerates models on disk.

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import * as ort from 'onnxruntime-node';
import YAML from 'yaml';

import { SeededRandom } from '../src/onnx/seeded-random.js';
import { generateZoo, ZOO_STAMP_FILE } from '../src/repository/zoo/generate-zoo.js';
import { buildTinyAdd } from '../src/repository/zoo/tiny-add.js';
import { IMAGE_CLASSIFICATION, TEXT_CLASSIFICATION, ZOO, type ZooEntry } from '../src/repository/zoo/zoo-catalog.js';

const INTRA_OP_THREADS = 2;
/** Models also run at batch 2, to show the batch dimension is really dynamic. */
const BATCH_TWO = new Set(['tiny-add', 'resnet18', 'bert-tiny']);

interface Expected {
  readonly output: string;
  readonly width: number;
  readonly feeds: (batch: number, rng: SeededRandom) => Record<string, ort.Tensor>;
}

function expectedFor(entry: ZooEntry): Expected {
  if (entry.task === IMAGE_CLASSIFICATION) {
    return {
      output: 'logits',
      width: 1000,
      feeds: (n, rng) => ({
        input: new ort.Tensor('float32', rng.uniformWithStd(n * 3 * 224 * 224, 1), [n, 3, 224, 224]),
      }),
    };
  }
  if (entry.task === TEXT_CLASSIFICATION) {
    const ids = (n: number, rng: SeededRandom): BigInt64Array =>
      BigInt64Array.from({ length: n * 128 }, () => BigInt(rng.nextInt(30522)));
    return {
      output: 'logits',
      width: 2,
      feeds: (n, rng) => ({ input_ids: new ort.Tensor('int64', ids(n, rng), [n, 128]) }),
    };
  }
  return {
    output: 'sum',
    width: 16,
    feeds: (n, rng) => ({
      a: new ort.Tensor('float32', rng.uniformWithStd(n * 16, 1), [n, 16]),
      b: new ort.Tensor('float32', rng.uniformWithStd(n * 16, 1), [n, 16]),
    }),
  };
}

describe('zoo models in onnxruntime', () => {
  for (const entry of ZOO) {
    it(`${entry.name} returns finite FP32 '${expectedFor(entry).output}' of the declared shape`, async () => {
      const expected = expectedFor(entry);
      const graph = entry.graph();
      // The catalogue's compute figure must match what the layers actually contain.
      const gmacs = graph.macs / 1e9;
      assert.ok(Math.abs(gmacs - entry.approxGflops) <= 0.05 * entry.approxGflops + 1e-6, `${gmacs} GMACs`);
      const session = await ort.InferenceSession.create(graph.toBytes(), { intraOpNumThreads: INTRA_OP_THREADS });
      try {
        assert.deepEqual(session.outputNames, [expected.output]);
        for (const batch of BATCH_TWO.has(entry.name) ? [1, 2] : [1]) {
          const result = await session.run(expected.feeds(batch, new SeededRandom(batch)));
          const out = result[expected.output];
          assert.ok(out !== undefined);
          assert.equal(out.type, 'float32');
          assert.deepEqual(out.dims, [batch, expected.width]);
          const values = out.data as Float32Array;
          assert.ok(values.every(Number.isFinite), 'all outputs finite');
          if (batch === 2) {
            // Different samples must give different rows: the weights are not degenerate.
            assert.notDeepEqual(values.subarray(0, expected.width), values.subarray(expected.width));
          }
        }
      } finally {
        await session.release();
      }
    });
  }

  it('tiny-add adds its inputs elementwise', async () => {
    const session = await ort.InferenceSession.create(buildTinyAdd(), { intraOpNumThreads: 1 });
    const a = Float32Array.from({ length: 16 }, (_, i) => i);
    const b = Float32Array.from({ length: 16 }, (_, i) => 100 * i);
    try {
      const feeds = { a: new ort.Tensor('float32', a, [1, 16]), b: new ort.Tensor('float32', b, [1, 16]) };
      const out = await session.run(feeds);
      assert.deepEqual([...(out['sum']?.data as Float32Array)], Array.from(a, (v, i) => v + (b[i] ?? 0)));
    } finally {
      await session.release();
    }
  });

  it('spans at least 30x in compute between the cheapest and the most expensive image classifier', () => {
    const gflops = ZOO.filter((e) => e.task === IMAGE_CLASSIFICATION).map((e) => e.approxGflops);
    assert.ok(Math.max(...gflops) / Math.min(...gflops) >= 30);
  });
});

describe('generateZoo', () => {
  const only = ['tiny-add', 'squeezenet1.1'];
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-zoo-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes each model and its config.yaml, reporting progress', async () => {
    const progress: string[] = [];
    const onProgress = (done: number, total: number, name: string): void => {
      progress.push(`${done}/${total} ${name}`);
    };
    const result = await generateZoo(dir, { only, onProgress });
    assert.deepEqual(result, { generated: only, reused: [] });
    assert.deepEqual(progress, ['1/2 tiny-add', '2/2 squeezenet1.1']);
    assert.ok((await stat(join(dir, 'squeezenet1.1', '1', 'model.onnx'))).size > 1_000_000);
    const config: unknown = YAML.parse(await readFile(join(dir, 'squeezenet1.1', 'config.yaml'), 'utf8'));
    assert.deepEqual(config, {
      task: 'image-classification',
      accuracy: 0.5818,
      description: 'SqueezeNet-1.1-like (fire modules with Concat), synthetic weights',
      max_batch_size: 32,
      dynamic_batching: { max_queue_delay_us: 0, preferred_batch_sizes: [8, 16, 32] },
    });
  });

  it('reuses up-to-date models on a second call', async () => {
    assert.deepEqual(await generateZoo(dir, { only }), { generated: [], reused: only });
  });

  it('regenerates only a model whose file was deleted', async () => {
    await unlink(join(dir, 'squeezenet1.1', '1', 'model.onnx'));
    assert.deepEqual(await generateZoo(dir, { only }), { generated: ['squeezenet1.1'], reused: ['tiny-add'] });
    const session = await ort.InferenceSession.create(join(dir, 'squeezenet1.1', '1', 'model.onnx'));
    assert.deepEqual(session.inputNames, ['input']);
    await session.release();
  });

  it('regenerates everything when forced or when the stamp is from another seed', async () => {
    assert.deepEqual(await generateZoo(dir, { only, force: true }), { generated: only, reused: [] });
    const stampPath = join(dir, ZOO_STAMP_FILE);
    const stamp = JSON.parse(await readFile(stampPath, 'utf8')) as { seed: number };
    await writeFile(stampPath, JSON.stringify({ ...stamp, seed: stamp.seed + 1 }));
    assert.deepEqual(await generateZoo(dir, { only }), { generated: only, reused: [] });
  });

  it('rejects an unknown model name with NOT_FOUND', async () => {
    await assert.rejects(generateZoo(dir, { only: ['no-such-model'] }), { code: 'NOT_FOUND' });
  });
});
