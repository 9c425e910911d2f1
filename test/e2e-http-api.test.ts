// End to end over real HTTP and real workers: health, metadata, inference (JSON and binary), repository, stats, metrics.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ModelMetadata, ModelStatistics, RepositoryIndexEntry, ServerMetadata } from '../src/core/inference.js';
import { BERT_SEQ_LEN } from '../src/repository/zoo/bert.js';
import { buildTinyAdd } from '../src/repository/zoo/tiny-add.js';
import { findZooEntry } from '../src/repository/zoo/zoo-catalog.js';
import { type E2eServer, startE2eServer } from './helpers/e2e-server.js';
import { type InferResponseJson, OipClient } from './helpers/oip-client.js';
import { buildSumDiff } from './helpers/sum-diff-model.js';
import { TempRepository } from './helpers/temp-repository.js';
import { tinyAddA, tinyAddRequest, tinyAddSum } from './helpers/tiny-add-request.js';

const TRITON_MAX_BATCH = 8;
const TRITON_CONFIG = `
name: "tiny-add-triton"
platform: "onnxruntime_onnx"
max_batch_size: ${TRITON_MAX_BATCH}
input [
  { name: "a" data_type: TYPE_FP32 dims: [ 16 ] },
  { name: "b" data_type: TYPE_FP32 dims: [ 16 ] }
]
output [ { name: "sum" data_type: TYPE_FP32 dims: [ 16 ] } ]
# A long delay so concurrent requests reliably meet in one batch.
dynamic_batching { max_queue_delay_microseconds: 50000 }
`;
const CONCURRENT_REQUESTS = 64;

type StatsBody = { model_stats: ModelStatistics[] };

const bertTiny = findZooEntry('bert-tiny');
const repo = new TempRepository('e2e-http')
  .addModel('tiny-add', buildTinyAdd())
  .addModel('sum-diff', buildSumDiff())
  .addModel('tiny-add-triton', buildTinyAdd(), { configPbtxt: TRITON_CONFIG })
  .addModel('tiny-add-versions', buildTinyAdd(), { versions: [1, 2], configYaml: 'version_policy: {latest: 1}\n' })
  .addModel('toggle', buildTinyAdd());
if (bertTiny !== undefined) repo.addModel('bert-tiny', bertTiny.build());

let e2e: E2eServer;
let client: OipClient;

before(async () => {
  e2e = await startE2eServer(repo);
  client = new OipClient(e2e.url);
});
after(async () => {
  await e2e?.server.stop();
  repo.remove();
});

describe('health and metadata', () => {
  it('reports the server live and ready', async () => {
    const live = await client.get<{ live: boolean }>('/v2/health/live');
    assert.equal(live.status, 200);
    assert.equal(live.body.live, true);
    const ready = await client.get<{ ready: boolean }>('/v2/health/ready');
    assert.equal(ready.status, 200);
    assert.equal(ready.body.ready, true);
  });

  it('describes the server with its name, version and extensions', async () => {
    const res = await client.get<ServerMetadata>('/v2');
    assert.equal(res.status, 200);
    assert.equal(res.body.name, 'tessera');
    assert.match(res.body.version, /^\d+\.\d+\.\d+/);
    for (const ext of ['binary_tensor_data', 'model_repository', 'statistics', 'metrics']) {
      assert.ok(res.body.extensions.includes(ext), `extension ${ext} is listed`);
    }
  });

  it('describes a model with its tensors, with and without a version in the path', async () => {
    const plain = await client.get<ModelMetadata>('/v2/models/tiny-add');
    assert.equal(plain.status, 200);
    assert.equal(plain.body.name, 'tiny-add');
    assert.deepEqual(plain.body.versions, ['1']);
    assert.equal(plain.body.platform, 'onnxruntime_onnx');
    assert.deepEqual(plain.body.inputs, [
      { name: 'a', datatype: 'FP32', shape: [-1, 16] },
      { name: 'b', datatype: 'FP32', shape: [-1, 16] },
    ]);
    assert.deepEqual(plain.body.outputs, [{ name: 'sum', datatype: 'FP32', shape: [-1, 16] }]);
    const versioned = await client.get<ModelMetadata>('/v2/models/tiny-add/versions/1');
    assert.equal(versioned.status, 200);
    assert.deepEqual(versioned.body, plain.body);
  });

  it('reports a loaded model ready, with and without a version', async () => {
    const res = await client.get<{ ready: boolean }>('/v2/models/tiny-add/ready');
    assert.equal(res.status, 200);
    assert.equal(res.body.ready, true);
    assert.equal((await client.get('/v2/models/tiny-add/versions/1/ready')).status, 200);
  });
});

describe('inference', () => {
  it('adds nested JSON data and echoes the request id', async () => {
    const rows = 2;
    const flat = tinyAddRequest(rows, 1, 0.5, 'req-42');
    // The same values as nested rows instead of a flat list.
    const nested = {
      ...flat,
      inputs: flat.inputs.map((t) => ({ ...t, data: [t.data.slice(0, 16), t.data.slice(16)] })),
    };
    const res = await client.infer('tiny-add', nested);
    assert.equal(res.status, 200);
    assert.equal(res.body.id, 'req-42');
    assert.equal(res.body.model_name, 'tiny-add');
    assert.equal(res.body.model_version, '1');
    assert.equal(res.body.outputs.length, 1);
    const out = res.body.outputs[0];
    assert.equal(out?.name, 'sum');
    assert.equal(out?.datatype, 'FP32');
    assert.deepEqual(out?.shape, [rows, 16]);
    assert.deepEqual(out?.data, tinyAddSum(rows, 1, 0.5));
  });

  it('adds flat JSON data on an explicit version', async () => {
    const res = await client.infer('tiny-add', tinyAddRequest(3, 10, 2), '1');
    assert.equal(res.status, 200);
    assert.equal(res.body.id, undefined);
    assert.deepEqual(res.body.outputs[0]?.data, tinyAddSum(3, 10, 2));
  });

  it('returns only the outputs a request asks for', async () => {
    const body = { ...tinyAddRequest(1, 5, 2), outputs: [{ name: 'diff' }] };
    const res = await client.infer('sum-diff', body);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.outputs.map((o) => o.name), ['diff']);
    assert.deepEqual(res.body.outputs[0]?.data, tinyAddA(1, 5).map((x) => x - 2));
    const all = await client.infer('sum-diff', tinyAddRequest(1, 5, 2));
    assert.deepEqual(all.body.outputs.map((o) => o.name), ['sum', 'diff']);
  });

  it('takes binary inputs mixed with JSON ones and returns binary outputs mixed with JSON ones', async () => {
    const rows = 2;
    const a = new Float32Array(tinyAddA(rows, 3));
    const header = {
      id: 'bin-1',
      inputs: [
        { name: 'a', datatype: 'FP32', shape: [rows, 16], parameters: { binary_data_size: a.byteLength } },
        { name: 'b', datatype: 'FP32', shape: [rows, 16], data: new Array<number>(rows * 16).fill(1) },
      ],
      outputs: [{ name: 'sum', parameters: { binary_data: true } }, { name: 'diff' }],
    };
    const res = await client.inferBinary<InferResponseJson>('sum-diff', header, [new Uint8Array(a.buffer)]);
    assert.equal(res.status, 200);
    assert.equal(res.json.id, 'bin-1');
    const [sum, diff] = res.json.outputs;
    assert.equal(sum?.name, 'sum');
    assert.equal(sum?.data, undefined);
    assert.equal(sum?.parameters?.binary_data_size, rows * 16 * 4);
    assert.equal(res.binary.byteLength, rows * 16 * 4);
    const sumValues = new Float32Array(res.binary.buffer.slice(res.binary.byteOffset, res.binary.byteOffset + res.binary.byteLength));
    assert.deepEqual([...sumValues], tinyAddSum(rows, 3, 1));
    assert.equal(diff?.name, 'diff');
    assert.deepEqual(diff?.data, [...a].map((x) => x - 1));
  });

  it('serves an INT64 model (bert-tiny input_ids) and returns its logits', { skip: bertTiny === undefined && 'bert-tiny is not in the zoo' }, async () => {
    const rows = 2;
    const ids = Array.from({ length: rows * BERT_SEQ_LEN }, (_, i) => (i * 7919) % 30000);
    const res = await client.infer('bert-tiny', {
      inputs: [{ name: 'input_ids', datatype: 'INT64', shape: [rows, BERT_SEQ_LEN], data: ids }],
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const logits = res.body.outputs[0];
    assert.equal(logits?.name, 'logits');
    assert.equal(logits?.datatype, 'FP32');
    assert.deepEqual(logits?.shape, [rows, 2]);
    assert.ok(logits?.data?.every((x) => Number.isFinite(x)));
  });

  it('serves a Triton config.pbtxt model with its max_batch_size and dims', async () => {
    const meta = await client.get<ModelMetadata & { parameters: { max_batch_size: number } }>('/v2/models/tiny-add-triton');
    assert.equal(meta.status, 200);
    assert.equal(meta.body.parameters.max_batch_size, TRITON_MAX_BATCH);
    assert.deepEqual(meta.body.inputs.map((t) => t.shape), [[-1, 16], [-1, 16]]);
    const res = await client.infer('tiny-add-triton', tinyAddRequest(TRITON_MAX_BATCH, 0, 1));
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.outputs[0]?.data, tinyAddSum(TRITON_MAX_BATCH, 0, 1));
  });
});

describe('version policy', () => {
  it('serves only the highest version when the policy is latest: 1', async () => {
    const meta = await client.get<ModelMetadata>('/v2/models/tiny-add-versions');
    assert.equal(meta.status, 200);
    assert.deepEqual(meta.body.versions, ['2']);
    const res = await client.infer('tiny-add-versions', tinyAddRequest(1, 0, 0));
    assert.equal(res.status, 200);
    assert.equal(res.body.model_version, '2');
  });

  it('answers 404 for the version the policy leaves out', async () => {
    const res = await client.infer<{ error: string }>('tiny-add-versions', tinyAddRequest(1, 0, 0), '1');
    assert.equal(res.status, 404);
    assert.match(res.body.error, /version '1'/);
    assert.equal((await client.get('/v2/models/tiny-add-versions/versions/1')).status, 404);
  });
});

describe('repository extension', () => {
  it('lists every model with its versions and states', async () => {
    const res = await client.post<RepositoryIndexEntry[]>('/v2/repository/index', {});
    assert.equal(res.status, 200);
    const ready = res.body.filter((e) => e.state === 'READY').map((e) => `${e.name}@${e.version}`);
    for (const m of ['tiny-add@1', 'sum-diff@1', 'tiny-add-triton@1', 'tiny-add-versions@2', 'toggle@1']) {
      assert.ok(ready.includes(m), `${m} is READY in ${JSON.stringify(res.body)}`);
    }
    assert.ok(!res.body.some((e) => e.name === 'tiny-add-versions' && e.version === '1'));
  });

  it('unloads a model (infer 503, ready false) and loads it back (infer works again)', async () => {
    const unload = await client.post('/v2/repository/models/toggle/unload', {});
    assert.equal(unload.status, 200);
    const ready = await client.get<{ ready: boolean }>('/v2/models/toggle/ready');
    assert.equal(ready.body.ready, false);
    const refused = await client.infer<{ error: string }>('toggle', tinyAddRequest(1, 0, 1));
    assert.equal(refused.status, 503);
    assert.match(refused.body.error, /toggle/);
    const index = await client.post<RepositoryIndexEntry[]>('/v2/repository/index', {});
    assert.equal(index.body.find((e) => e.name === 'toggle')?.state, 'UNAVAILABLE');
    const readyOnly = await client.post<RepositoryIndexEntry[]>('/v2/repository/index', { ready: true });
    assert.ok(!readyOnly.body.some((e) => e.name === 'toggle'));

    const load = await client.post('/v2/repository/models/toggle/load', {});
    assert.equal(load.status, 200);
    assert.equal((await client.get<{ ready: boolean }>('/v2/models/toggle/ready')).body.ready, true);
    const res = await client.infer('toggle', tinyAddRequest(1, 0, 1));
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.outputs[0]?.data, tinyAddSum(1, 0, 1));
  });
});

describe('statistics and metrics', () => {
  it('counts successful inferences and executed batches per model', async () => {
    const stats = async (): Promise<ModelStatistics> => {
      const res = await client.get<StatsBody>('/v2/models/tiny-add/stats');
      assert.equal(res.status, 200);
      assert.equal(res.body.model_stats.length, 1);
      return res.body.model_stats[0] as ModelStatistics;
    };
    const before = await stats();
    for (let i = 0; i < 3; i++) assert.equal((await client.infer('tiny-add', tinyAddRequest(2, i, 1))).status, 200);
    const afterStats = await stats();
    assert.equal(afterStats.name, 'tiny-add');
    assert.equal(afterStats.version, '1');
    assert.equal(afterStats.inference_stats.success.count - before.inference_stats.success.count, 3);
    assert.equal(afterStats.inference_count - before.inference_count, 6);
    assert.ok(afterStats.execution_count > before.execution_count);
    // Sequential requests of 2 rows each run as 3 executions of batch size 2.
    const twoRowRuns = (s: ModelStatistics): number => s.batch_stats.find((b) => b.batch_size === 2)?.compute_infer.count ?? 0;
    assert.equal(twoRowRuns(afterStats) - twoRowRuns(before), 3);
    assert.ok(afterStats.last_inference > 0);
    const versioned = await client.get<StatsBody>('/v2/models/tiny-add/versions/1/stats');
    assert.equal(versioned.body.model_stats[0]?.inference_count, afterStats.inference_count);
    const all = await client.get<StatsBody>('/v2/models/stats');
    assert.ok(all.body.model_stats.some((s) => s.name === 'sum-diff'));
  });

  it('exposes Prometheus metrics with per-model success counters', async () => {
    const res = await fetch(`${e2e.url}/metrics`);
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.match(text, /^tessera_request_success_total\{model="tiny-add",version="1"\} [1-9]\d*$/m);
    assert.match(text, /^tessera_batch_size_count\{model="tiny-add",version="1"\} [1-9]\d*$/m);
  });
});

describe('concurrency', () => {
  it(`answers ${CONCURRENT_REQUESTS} concurrent requests with the right sums`, async () => {
    const replies = await Promise.all(
      Array.from({ length: CONCURRENT_REQUESTS }, (_, i) => client.infer('tiny-add', tinyAddRequest(1, i, 0.25, `c${i}`))),
    );
    replies.forEach((res, i) => {
      assert.equal(res.status, 200);
      assert.equal(res.body.id, `c${i}`);
      assert.deepEqual(res.body.outputs[0]?.data, tinyAddSum(1, i, 0.25));
    });
  });

  it('batches concurrent requests dynamically, never above max_batch_size', async () => {
    const stats = async (): Promise<ModelStatistics> =>
      (await client.get<StatsBody>('/v2/models/tiny-add-triton/stats')).body.model_stats[0] as ModelStatistics;
    const before = await stats();
    const replies = await Promise.all(
      Array.from({ length: CONCURRENT_REQUESTS }, (_, i) => client.infer('tiny-add-triton', tinyAddRequest(1, i, 1))),
    );
    replies.forEach((res, i) => assert.deepEqual(res.body.outputs[0]?.data, tinyAddSum(1, i, 1)));
    const afterStats = await stats();
    const executions = afterStats.execution_count - before.execution_count;
    assert.equal(afterStats.inference_count - before.inference_count, CONCURRENT_REQUESTS);
    // One row per request: fewer executions than requests means some batches held several requests.
    assert.ok(executions < CONCURRENT_REQUESTS, `${executions} executions for ${CONCURRENT_REQUESTS} requests`);
    assert.ok(afterStats.batch_stats.every((b) => b.batch_size <= TRITON_MAX_BATCH));
  });
});
