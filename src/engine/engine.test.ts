// Engine behaviour with in-memory executors: batching, retry after an executor dies, timeouts, lifecycle, errors.

import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { systemClock } from '../core/clock.js';
import { ServingError } from '../core/errors.js';
import type { InferRequest } from '../core/inference.js';
import type { Tensor } from '../core/tensor.js';
import type { Executor, LoadSpec, LoadedSession, RunResult } from '../executor/executor.js';
import { DEFAULT_VERSION_POLICY, type ModelConfig } from '../repository/model-config.js';
import type { RepositoryModel } from '../repository/model-repository.js';
import { Engine, type EngineLogger } from './engine.js';
import type { ExecutorChange, ExecutorPool } from './executor-pool.js';

const silent: EngineLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** An executor whose sessions add inputs `a` and `b`; it can be told to die or hold runs. */
class FakeExecutor implements Executor {
  readonly batches: number[] = [];
  dead = false;
  failLoad: string | undefined;
  delayMs = 0;
  private readonly keys = new Set<string>();
  constructor(readonly id: string) {}
  async load(spec: LoadSpec): Promise<LoadedSession> {
    if (this.failLoad !== undefined) throw new ServingError('INVALID_ARGUMENT', this.failLoad);
    this.keys.add(spec.key);
    const s = { datatype: 'FP32' as const, shape: [-1, 4] };
    return { key: spec.key, inputs: [{ name: 'a', ...s }, { name: 'b', ...s }], outputs: [{ name: 'sum', ...s }], loadMs: 1 };
  }
  async unload(key: string): Promise<void> {
    this.keys.delete(key);
  }
  attempts = 0;
  async run(_key: string, inputs: readonly Tensor[]): Promise<RunResult> {
    this.attempts += 1;
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.dead) throw new ServingError('UNAVAILABLE', `${this.id} died`, { retryable: true });
    const [a, b] = inputs as [Tensor, Tensor];
    const out = new Float32Array(a.data.length);
    for (let i = 0; i < out.length; i++) out[i] = (a.data as Float32Array)[i]! + (b.data as Float32Array)[i]!;
    this.batches.push(a.shape[0] as number);
    return { outputs: [{ name: 'sum', datatype: 'FP32', shape: a.shape, data: out }], computeNs: 1000 };
  }
  loadedKeys(): readonly string[] {
    return [...this.keys];
  }
  async close(): Promise<void> {}
}

class FakePool implements ExecutorPool {
  readonly down = new Set<string>();
  private listeners: ((c: ExecutorChange) => void)[] = [];
  constructor(readonly list: FakeExecutor[]) {}
  executors(): readonly Executor[] {
    return this.list;
  }
  isAvailable(id: string): boolean {
    return !this.down.has(id);
  }
  onChange(listener: (c: ExecutorChange) => void): void {
    this.listeners.push(listener);
  }
  set(id: string, up: boolean): void {
    if (up) this.down.delete(id);
    else this.down.add(id);
    for (const l of this.listeners) l({ id, kind: up ? 'up' : 'down' });
  }
  async stop(): Promise<void> {}
}

function model(name: string, extra: Partial<ModelConfig> = {}, error?: string): RepositoryModel {
  const config: ModelConfig = { name, source: 'none', instance: { kind: 'auto' }, versionPolicy: DEFAULT_VERSION_POLICY, ...extra };
  return { name, dir: `/repo/${name}`, config, versions: [{ version: 1, path: `/repo/${name}/1/model.onnx` }], warnings: [], ...(error === undefined ? {} : { error }) };
}

function req(rows: number, model = 'add', v = 1): InferRequest {
  const data = new Float32Array(rows * 4).fill(v);
  return {
    model,
    inputs: [
      { name: 'a', datatype: 'FP32', shape: [rows, 4], data },
      { name: 'b', datatype: 'FP32', shape: [rows, 4], data: new Float32Array(rows * 4).fill(1) },
    ],
  };
}

const engines: Engine[] = [];
async function makeEngine(
  models: RepositoryModel[],
  executors: FakeExecutor[],
  unavailableTimeoutMs = 5000,
  maxBatchesInFlight = 1,
): Promise<{ engine: Engine; pool: FakePool }> {
  const pool = new FakePool(executors);
  const engine = new Engine({
    repository: { scan: async () => models, get: async (n) => models.find((m) => m.name === n) },
    pool,
    clock: systemClock,
    logger: silent,
    serverVersion: 'test',
    defaults: { intraOpThreads: 1, maxBatchSize: 8, maxQueueDelayUs: 0, maxQueueLength: 100, unavailableTimeoutMs, maxBatchesInFlight },
  });
  await engine.start({ loadAll: true });
  engines.push(engine);
  return { engine, pool };
}

afterEach(async () => {
  for (const e of engines.splice(0)) await e.drain(100);
});

test('a request is answered by the model with the sum of its inputs', async () => {
  const { engine } = await makeEngine([model('add')], [new FakeExecutor('w0')]);
  const res = await engine.infer({ ...req(2, 'add', 3), id: 'r1' });
  assert.equal(res.id, 'r1');
  assert.equal(res.version, '1');
  assert.deepEqual([...(res.outputs[0]?.data as Float32Array)], new Array(8).fill(4));
});

test('requests queued while the instance is busy run together as one batch and get their own rows back', async () => {
  const ex = new FakeExecutor('w0');
  ex.delayMs = 20;
  const { engine } = await makeEngine([model('add')], [ex]);
  const first = engine.infer(req(1, 'add', 0));
  const rest = [1, 2, 3].map((v) => engine.infer(req(1, 'add', v)));
  const results = await Promise.all([first, ...rest]);
  assert.deepEqual(ex.batches, [1, 3]);
  results.forEach((r, i) => assert.equal((r.outputs[0]?.data as Float32Array)[0], i + 1));
});

test('with two batches allowed in flight, the next batch is sent while the previous one still runs', async () => {
  const ex = new FakeExecutor('w0');
  ex.delayMs = 20;
  const { engine } = await makeEngine([model('add')], [ex], 5000, 2);
  const results = await Promise.all([0, 1, 2, 3].map((v) => engine.infer(req(1, 'add', v))));
  assert.deepEqual(ex.batches, [1, 1, 2], 'two single batches went out at once; the rest queued and batched');
  results.forEach((r, i) => assert.equal((r.outputs[0]?.data as Float32Array)[0], i + 1));
});

test('requests in flight on an executor that dies are retried once on another executor', async () => {
  const w0 = new FakeExecutor('w0');
  const w1 = new FakeExecutor('w1');
  const { engine } = await makeEngine([model('add')], [w0, w1]);
  w0.dead = true;
  const res = await engine.infer(req(1));
  assert.equal(res.outputs.length, 1);
  assert.equal(w0.attempts, 1, 'the first attempt ran on w0, which died');
  assert.deepEqual(w1.batches, [1], 'the retry ran on w1');
});

test('a request fails with UNAVAILABLE after its retry also lands on a dead executor', async () => {
  const w0 = new FakeExecutor('w0');
  w0.dead = true;
  const { engine, pool } = await makeEngine([model('add')], [w0], 200);
  const p = engine.infer(req(1));
  // The executor is reported up again but is still dead: the second attempt fails too.
  setTimeout(() => pool.set('w0', true), 20);
  await assert.rejects(p, (e: ServingError) => e.code === 'UNAVAILABLE');
});

test('queued requests fail with UNAVAILABLE when no executor comes back in time, instead of hanging', async () => {
  const w0 = new FakeExecutor('w0');
  const { engine, pool } = await makeEngine([model('add')], [w0], 150);
  pool.set('w0', false);
  const t0 = Date.now();
  await assert.rejects(engine.infer(req(1)), (e: ServingError) => e.code === 'UNAVAILABLE' && /within 150 ms/.test(e.message));
  assert.ok(Date.now() - t0 < 5000);
});

test('queued requests run once the executor is back', async () => {
  const w0 = new FakeExecutor('w0');
  const { engine, pool } = await makeEngine([model('add')], [w0], 5000);
  pool.set('w0', false);
  const p = engine.infer(req(1));
  setTimeout(() => pool.set('w0', true), 30);
  assert.equal((await p).outputs.length, 1);
});

test('a model that fails to load is UNAVAILABLE with the reason and the others keep serving', async () => {
  const w0 = new FakeExecutor('w0');
  const models = [model('add'), model('broken', {}, "config.yaml: key 'max_batch_size' must be an integer")];
  const { engine } = await makeEngine(models, [w0]);
  const index = engine.repositoryIndex(false);
  const broken = index.find((e) => e.name === 'broken');
  assert.equal(broken?.state, 'UNAVAILABLE');
  assert.match(broken?.reason ?? '', /max_batch_size/);
  await assert.rejects(engine.infer(req(1, 'broken')), (e: ServingError) => e.code === 'UNAVAILABLE' && /max_batch_size/.test(e.message));
  assert.equal((await engine.infer(req(1))).outputs.length, 1);
});

test('unknown models and versions are NOT_FOUND; bad tensors are INVALID_ARGUMENT naming the tensor', async () => {
  const { engine } = await makeEngine([model('add')], [new FakeExecutor('w0')]);
  await assert.rejects(engine.infer(req(1, 'nope')), (e: ServingError) => e.code === 'NOT_FOUND');
  await assert.rejects(engine.infer({ ...req(1), version: '7' }), (e: ServingError) => e.code === 'NOT_FOUND');
  const bad = req(1);
  await assert.rejects(
    engine.infer({ ...bad, inputs: [bad.inputs[0]!, { ...bad.inputs[1]!, datatype: 'FP64', data: new Float64Array(4) }] }),
    (e: ServingError) => e.code === 'INVALID_ARGUMENT' && /'b'/.test(e.message),
  );
  await assert.rejects(engine.infer(req(9)), (e: ServingError) => e.code === 'INVALID_ARGUMENT' && /max_batch_size 8/.test(e.message));
  await assert.rejects(engine.infer({ ...req(1), outputs: [{ name: 'nope' }] }), (e: ServingError) => /unknown output 'nope'/.test(e.message));
});

test('unload waits for queued work, then the model is UNAVAILABLE until loaded again', async () => {
  const ex = new FakeExecutor('w0');
  ex.delayMs = 20;
  const { engine } = await makeEngine([model('add')], [ex]);
  const inflight = engine.infer(req(1));
  await engine.unloadModel('add');
  assert.equal((await inflight).outputs.length, 1);
  assert.equal(engine.isModelReady('add'), false);
  await assert.rejects(engine.infer(req(1)), (e: ServingError) => e.code === 'UNAVAILABLE');
  await engine.loadModel('add');
  assert.equal(engine.isModelReady('add'), true);
  assert.equal(ex.loadedKeys().length, 1);
});

test('a full queue rejects with RESOURCE_EXHAUSTED rather than growing without bound', async () => {
  const ex = new FakeExecutor('w0');
  ex.delayMs = 50;
  const pool = new FakePool([ex]);
  const engine = new Engine({
    repository: { scan: async () => [model('add')], get: async () => model('add') },
    pool,
    clock: systemClock,
    logger: silent,
    serverVersion: 'test',
    defaults: { intraOpThreads: 1, maxBatchSize: 1, maxQueueDelayUs: 0, maxQueueLength: 2, unavailableTimeoutMs: 1000, maxBatchesInFlight: 1 },
  });
  await engine.start({ loadAll: true });
  engines.push(engine);
  const settled = await Promise.allSettled([1, 2, 3, 4, 5].map(() => engine.infer(req(1))));
  const rejected = settled.filter((s) => s.status === 'rejected') as PromiseRejectedResult[];
  assert.ok(rejected.length >= 1);
  for (const r of rejected) assert.equal((r.reason as ServingError).code, 'RESOURCE_EXHAUSTED');
});

test('statistics count inferences, executions and batch sizes', async () => {
  const { engine } = await makeEngine([model('add')], [new FakeExecutor('w0')]);
  await engine.infer(req(2));
  await engine.infer(req(1));
  const [s] = engine.statistics('add');
  assert.equal(s?.inference_count, 3);
  assert.equal(s?.execution_count, 2);
  assert.equal(s?.inference_stats.success.count, 2);
  assert.deepEqual(
    s?.batch_stats.map((b) => b.batch_size),
    [1, 2],
  );
});

test('draining rejects new requests with UNAVAILABLE', async () => {
  const { engine } = await makeEngine([model('add')], [new FakeExecutor('w0')]);
  await engine.drain(100);
  assert.equal(engine.isReady(), false);
  await assert.rejects(engine.infer(req(1)), (e: ServingError) => e.code === 'UNAVAILABLE' && /shutting down/.test(e.message));
});
