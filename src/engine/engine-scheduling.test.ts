// Engine SLO behaviour with in-memory executors: admission control, deadline drops, EDF across models, routing, apps.

import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import type { AppSpec } from '../core/app.js';
import { systemClock } from '../core/clock.js';
import { ServingError } from '../core/errors.js';
import type { InferRequest, InferResponse } from '../core/inference.js';
import type { Tensor } from '../core/tensor.js';
import type { Executor, LoadSpec, LoadedSession, RunResult } from '../executor/executor.js';
import { DEFAULT_VERSION_POLICY, type ModelConfig } from '../repository/model-config.js';
import type { RepositoryModel } from '../repository/model-repository.js';
import type { AdmissionMarginsOptions } from '../scheduler/admission-margins.js';
import { requestDone } from './channels.js';
import { Engine, type EngineLogger } from './engine.js';
import type { ExecutorChange, ExecutorPool } from './executor-pool.js';
import { schedulingPolicy } from './scheduling-policy.js';

const silent: EngineLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Runs take `runMs[model]` of wall time and report it as compute time; records the order models ran in. */
class SlowExecutor implements Executor {
  readonly order: string[] = [];
  constructor(
    readonly id: string,
    private readonly runMs: Record<string, number>,
  ) {}
  async load(spec: LoadSpec): Promise<LoadedSession> {
    const s = { datatype: 'FP32' as const, shape: [-1, 1] };
    return { key: spec.key, inputs: [{ name: 'x', ...s }], outputs: [{ name: 'y', ...s }], loadMs: 1 };
  }
  async unload(): Promise<void> {}
  async run(key: string, inputs: readonly Tensor[]): Promise<RunResult> {
    const model = key.split('@')[0] as string;
    this.order.push(model);
    const ms = this.runMs[model] ?? 1;
    await new Promise((r) => setTimeout(r, ms));
    const x = inputs[0] as Tensor;
    return { outputs: [{ name: 'y', datatype: 'FP32', shape: x.shape, data: x.data }], computeNs: ms * 1e6 };
  }
  loadedKeys(): readonly string[] {
    return [];
  }
  async close(): Promise<void> {}
}

class OnePool implements ExecutorPool {
  constructor(private readonly list: Executor[]) {}
  executors(): readonly Executor[] {
    return this.list;
  }
  isAvailable(): boolean {
    return true;
  }
  onChange(_l: (c: ExecutorChange) => void): void {}
  async stop(): Promise<void> {}
}

function model(name: string, extra: Partial<ModelConfig> = {}): RepositoryModel {
  const config: ModelConfig = { name, source: 'none', instance: { kind: 'auto' }, versionPolicy: DEFAULT_VERSION_POLICY, ...extra };
  return { name, dir: `/repo/${name}`, config, versions: [{ version: 1, path: `/repo/${name}/1/model.onnx` }], warnings: [] };
}

function req(model: string, parameters?: InferRequest['parameters']): InferRequest {
  return { model, inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 1], data: new Float32Array([1]) }], ...(parameters === undefined ? {} : { parameters }) };
}

const engines: Engine[] = [];
async function makeEngine(models: RepositoryModel[], executor: SlowExecutor, policy = 'tessera', apps: AppSpec[] = [], admissionMargins?: AdmissionMarginsOptions): Promise<Engine> {
  const engine = new Engine({
    repository: { scan: async () => models, get: async (n) => models.find((m) => m.name === n) },
    pool: new OnePool([executor]),
    clock: systemClock,
    logger: silent,
    serverVersion: 'test',
    policy: schedulingPolicy(policy),
    apps: { get: (tenant, name) => apps.find((a) => a.tenant === tenant && a.name === name), tenantWeight: () => 1 },
    defaults: {
      intraOpThreads: 1,
      maxBatchSize: 0,
      maxQueueDelayUs: 0,
      maxQueueLength: 100,
      unavailableTimeoutMs: 5000,
      maxBatchesInFlight: 1,
      ...(admissionMargins === undefined ? {} : { admissionMargins }),
    },
  });
  await engine.start({ loadAll: true });
  engines.push(engine);
  return engine;
}

afterEach(async () => {
  for (const e of engines.splice(0)) await e.drain(2000);
});

function app(over: Partial<AppSpec>): AppSpec {
  return { name: 'a', tenant: 't1', slo: { percentile: 99, latencyMs: 1000 }, minAccuracy: 0, expectedRatePerS: 1, weight: 1, priority: 1, overload: 'reject', ...over };
}

test('admission control rejects at once a request that cannot meet its deadline, with a Retry-After estimate', async () => {
  const engine = await makeEngine([model('slow')], new SlowExecutor('w0', { slow: 40 }));
  await engine.infer(req('slow')); // teaches the cost estimator that a run takes ~40 ms
  const first = engine.infer(req('slow', { 'tessera.slo_ms': 500 }));
  const second = engine.infer(req('slow', { 'tessera.slo_ms': 500 }));
  const doomed = engine.infer(req('slow', { 'tessera.slo_ms': 30 }));
  await assert.rejects(doomed, (e: unknown) => e instanceof ServingError && e.code === 'RESOURCE_EXHAUSTED' && /admission/.test(e.message) && (e.retryAfterMs ?? 0) >= 1);
  await Promise.all([first, second]);
});

test('a queued request whose deadline passes is dropped before it runs', async () => {
  const ex = new SlowExecutor('w0', { slow: 60 });
  const engine = await makeEngine([model('slow')], ex, 'tessera', [app({ name: 'be', model: 'slow', slo: { percentile: 99, latencyMs: 100 } })]);
  // The cost is unknown at first, so admission lets all three in; the third cannot finish within 100 ms.
  const results = await Promise.allSettled([engine.infer(req('slow', { timeout: 100_000 })), engine.infer(req('slow', { timeout: 100_000 })), engine.infer(req('slow', { timeout: 100_000 }))]);
  const dropped = results.filter((r) => r.status === 'rejected' && (r.reason as ServingError).code === 'DEADLINE_EXCEEDED');
  assert.ok(dropped.length >= 1, `expected a dropped request, got ${results.map((r) => r.status).join(',')}`);
  assert.ok(ex.order.length < 3, 'the dropped request never ran');
});

test('the fifo baseline runs a request whose deadline cannot be met instead of dropping it', async () => {
  const ex = new SlowExecutor('w0', { slow: 30 });
  const engine = await makeEngine([model('slow')], ex, 'fifo');
  const results = await Promise.allSettled([1, 2, 3].map(() => engine.infer(req('slow', { timeout: 40_000 }))));
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'fulfilled']);
});

test('EDF across models: on a shared executor the request with the earlier deadline runs first', async () => {
  const ex = new SlowExecutor('w0', { a: 20, b: 20 });
  const engine = await makeEngine([model('a'), model('b')], ex);
  const blocker = engine.infer(req('a'));
  const late = engine.infer(req('a', { 'tessera.slo_ms': 5000 }));
  const early = engine.infer(req('b', { 'tessera.slo_ms': 1000 }));
  await Promise.all([blocker, late, early]);
  assert.deepEqual(ex.order, ['a', 'b', 'a']);
});

test('admission keeps its promise: a request that would push an admitted one due later past its deadline is refused', async () => {
  const ex = new SlowExecutor('w0', { short: 20, long: 40 });
  const engine = await makeEngine([model('short'), model('long')], ex);
  await engine.infer(req('short')); // teach both costs (the executor reports exactly 20 and 40 ms)
  await engine.infer(req('long'));
  const blocker = engine.infer(req('short'));
  await new Promise((r) => setImmediate(r)); // the blocker is running
  // Due in 135 ms and predicted to finish 60 ms from now (behind the blocker): 75 ms of slack.
  const long = engine.infer(req('long', { 'tessera.slo_ms': 135 }));
  // Each short one, due in 125 ms, overtakes it under EDF and costs it 20 ms: three fit in its slack. The fourth and
  // fifth would still meet their own deadlines (20 + 3 × 20 + 20 = 100 ms), but not leave the long one in time.
  const shorts = [1, 2, 3, 4, 5].map(() => engine.infer(req('short', { 'tessera.slo_ms': 125 })));
  const results = await Promise.allSettled([blocker, long, ...shorts]);
  assert.equal(results[1]?.status, 'fulfilled', 'the admitted long request finished in time, not dropped');
  assert.deepEqual(results.slice(2).map((r) => r.status), ['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'rejected']);
  for (const r of results.slice(5)) {
    const e = (r as PromiseRejectedResult).reason as ServingError;
    assert.equal(e.code, 'RESOURCE_EXHAUSTED');
    assert.match(e.message, /would delay an admitted request due later by 20\.0 ms/);
  }
  assert.deepEqual(ex.order.slice(2), ['short', 'short', 'short', 'short', 'long']);
});

test('the fair policy does not hold arrivals back for admitted requests (its order is not by deadline)', async () => {
  const ex = new SlowExecutor('w0', { short: 20, long: 40 });
  const engine = await makeEngine([model('short'), model('long')], ex, 'fair');
  await engine.infer(req('short'));
  await engine.infer(req('long'));
  const blocker = engine.infer(req('short'));
  await new Promise((r) => setImmediate(r));
  const long = engine.infer(req('long', { 'tessera.slo_ms': 135 }));
  const shorts = [1, 2, 3, 4, 5].map(() => engine.infer(req('short', { 'tessera.slo_ms': 125 })));
  const results = await Promise.allSettled([blocker, long, ...shorts]);
  // Each short one meets its own deadline on arrival, so admission refuses none of them.
  for (const r of results.slice(2)) {
    if (r.status === 'rejected') assert.notEqual((r.reason as ServingError).code, 'RESOURCE_EXHAUSTED', (r.reason as Error).message);
  }
});

test('the fifo selector serves the same queue in arrival order', async () => {
  const ex = new SlowExecutor('w0', { a: 20, b: 20 });
  const engine = await makeEngine([model('a'), model('b')], ex, 'triton');
  await Promise.all([engine.infer(req('a')), engine.infer(req('a', { 'tessera.slo_ms': 5000 })), engine.infer(req('b', { 'tessera.slo_ms': 1000 }))]);
  assert.deepEqual(ex.order, ['a', 'a', 'b']);
});

test('a task request is answered by a variant that meets the accuracy floor, and names it', async () => {
  const ex = new SlowExecutor('w0', { small: 2, big: 30 });
  const engine = await makeEngine([model('small', { task: 'cls', declaredAccuracy: 0.6 }), model('big', { task: 'cls', declaredAccuracy: 0.8 })], ex);
  const loose = await engine.inferTask('cls', { inputs: req('x').inputs, parameters: { 'tessera.min_accuracy': 0.5, 'tessera.slo_ms': 1000 } });
  assert.ok(loose.model === 'small' || loose.model === 'big');
  const strict = await engine.inferTask('cls', { inputs: req('x').inputs, parameters: { 'tessera.min_accuracy': 0.75, 'tessera.slo_ms': 1000 } });
  assert.equal(strict.model, 'big');
  await assert.rejects(
    engine.inferTask('cls', { inputs: req('x').inputs, parameters: { 'tessera.min_accuracy': 0.95 } }),
    (e: unknown) => e instanceof ServingError && e.code === 'NOT_FOUND' && /cls/.test(e.message),
  );
  await assert.rejects(engine.inferTask('nope', { inputs: req('x').inputs }), (e: unknown) => e instanceof ServingError && e.code === 'NOT_FOUND');
});

test('an app request that no body could get admitted is refused before its body, once, and others are let through', async () => {
  const apps = [
    app({ name: 'tight', task: 'cls', slo: { percentile: 99, latencyMs: 20 } }),
    app({ name: 'loose', task: 'cls', slo: { percentile: 99, latencyMs: 1000 } }),
    app({ name: 'patient', task: 'cls', slo: { percentile: 99, latencyMs: 20 }, overload: 'best-effort' }),
    app({ name: 'fixed', model: 'slow', slo: { percentile: 99, latencyMs: 20 } }),
  ];
  const engine = await makeEngine([model('slow', { task: 'cls', declaredAccuracy: 0.9 })], new SlowExecutor('w0', { slow: 40 }), 'tessera', apps);
  assert.equal(engine.refuseAppEarly('t1', 'tight'), undefined, 'no prediction yet: let through');
  await engine.infer(req('slow')); // a run takes ~40 ms
  const seen: { outcome?: string; reason?: string; app?: string }[] = [];
  const listen = (m: unknown): void => void seen.push(m as { outcome?: string; reason?: string; app?: string });
  requestDone.subscribe(listen);
  try {
    const early = engine.refuseAppEarly('t1', 'tight');
    assert.ok(early instanceof ServingError && early.code === 'RESOURCE_EXHAUSTED' && /admission/.test(early.message) && (early.retryAfterMs ?? 0) >= 1, String(early));
    assert.deepEqual(
      seen.map((e) => [e.outcome, e.reason, e.app]),
      [['RESOURCE_EXHAUSTED', 'admission', 'tight']],
      'the refusal is counted once, as the full check counts it',
    );
    // The full check, given the body, agrees.
    await assert.rejects(engine.inferApp('t1', 'tight', { inputs: req('x').inputs }), (e: unknown) => e instanceof ServingError && e.code === 'RESOURCE_EXHAUSTED');
  } finally {
    requestDone.unsubscribe(listen);
  }
  // Decided with the body: an SLO that can be met, best-effort overload, a fixed-model app, an unknown or other tenant's app.
  assert.equal(engine.refuseAppEarly('t1', 'loose'), undefined);
  assert.equal(engine.refuseAppEarly('t1', 'patient'), undefined);
  assert.equal(engine.refuseAppEarly('t1', 'fixed'), undefined);
  assert.equal(engine.refuseAppEarly('t1', 'nope'), undefined);
  assert.equal(engine.refuseAppEarly('t2', 'tight'), undefined);
});

test('without admission control (fifo) nothing is refused before the body', async () => {
  const engine = await makeEngine([model('slow', { task: 'cls' })], new SlowExecutor('w0', { slow: 40 }), 'fifo', [app({ name: 'tight', task: 'cls', slo: { percentile: 99, latencyMs: 20 } })]);
  await engine.infer(req('slow'));
  assert.equal(engine.refuseAppEarly('t1', 'tight'), undefined);
});

/** Reports 1 ms of compute for model 'small' whatever its runs take: its requests finish later than predicted. */
class UnderReportingExecutor extends SlowExecutor {
  override async run(key: string, inputs: readonly Tensor[]): Promise<RunResult> {
    const r = await super.run(key, inputs);
    return key.startsWith('small@') ? { ...r, computeNs: 1e6 } : r;
  }
}

test("a variant without lateness of its own is not preferred for it: the margin belongs to the request's budget", async () => {
  const ex = new UnderReportingExecutor('w0', { small: 15, big: 10 });
  const engine = await makeEngine([model('small', { task: 'cls', declaredAccuracy: 0.7 }), model('big', { task: 'cls', declaredAccuracy: 0.7 })], ex);
  await engine.infer(req('big')); // big's cost becomes known (10 ms); no deadline, so no lateness recorded
  // small is predicted at 1 ms but takes 15: admitted requests due in 15 ms finish ~14 ms late, and the margin learns it.
  for (let i = 0; i < 20; i++) await engine.infer(req('small', { 'tessera.slo_ms': 15 })).catch(() => undefined);
  // Due in 12 ms: small needs 1 + ~14 ms; big 10 ms plus the same lateness. A per-version margin gave big none, and
  // the router sent the request to big as if it would make it.
  await assert.rejects(
    engine.inferTask('cls', { inputs: req('x').inputs, parameters: { 'tessera.slo_ms': 12 } }),
    (e: unknown) => e instanceof ServingError && e.code === 'RESOURCE_EXHAUSTED' && /admission/.test(e.message),
  );
});

test('an app request uses the app model and reports queue and compute times; other tenants get NOT_FOUND', async () => {
  const ex = new SlowExecutor('w0', { m: 2 });
  const engine = await makeEngine([model('m')], ex, 'tessera', [app({ name: 'mine', tenant: 't1', model: 'm' })]);
  const res = await engine.inferApp('t1', 'mine', { inputs: req('x').inputs });
  assert.equal(res.model, 'm');
  assert.equal(res.parameters?.['tessera.app'], 'mine');
  assert.equal(typeof res.parameters?.['tessera.compute_us'], 'number');
  await assert.rejects(engine.inferApp('t2', 'mine', { inputs: req('x').inputs }), (e: unknown) => e instanceof ServingError && e.code === 'NOT_FOUND');
});

test('a malformed timeout parameter is a clear INVALID_ARGUMENT', async () => {
  const engine = await makeEngine([model('m')], new SlowExecutor('w0', { m: 1 }));
  await assert.rejects(engine.infer(req('m', { timeout: 'soon' })), (e: unknown) => e instanceof ServingError && e.code === 'INVALID_ARGUMENT' && /timeout/.test(e.message));
});

/** Runs take 2 ms, except a stall: the next run takes `stallMs` of wall time but reports 2 ms of compute. */
class StallingExecutor extends SlowExecutor {
  stallMs = 0;
  constructor(id: string) {
    super(id, { m: 2 });
  }
  override async run(key: string, inputs: readonly Tensor[]): Promise<RunResult> {
    const stall = this.stallMs;
    this.stallMs = 0;
    if (stall > 0) await new Promise((r) => setTimeout(r, stall));
    return super.run(key, inputs);
  }
}

for (const by of ['admission on the model', 'the router on the task'] as const) {
  test(`one stall's lateness refuses nothing afterwards, unless a tenth of the requests decided were refused (here by ${by})`, async () => {
    const ex = new StallingExecutor('w0');
    const engine = await makeEngine([model('m', { task: 'cls', declaredAccuracy: 0.7 })], ex);
    await engine.infer(req('m')); // the cost becomes known: 2 ms
    // A stall of 280 ms: the 16 requests queued behind the first, due in 300 ms, finish (or are dropped) ~270 ms late,
    // all within ~30 ms of each other: one event.
    ex.stallMs = 280;
    await Promise.allSettled(Array.from({ length: 17 }, () => engine.infer(req('m', { 'tessera.slo_ms': 300 }))));
    /** A request due in 260 ms (the same class of budget), queued behind one without a deadline so it does not start at once. */
    const probe = (): Promise<InferResponse> => {
      void engine.infer(req('m'));
      return engine.infer(req('m', { 'tessera.slo_ms': 260 }));
    };
    await probe();
    // Requests that cannot make it at all: 6 refusals against 18 admitted.
    for (let i = 0; i < 6; i++) {
      const doomed = by === 'admission on the model' ? engine.infer(req('m', { 'tessera.slo_ms': 1 })) : engine.inferTask('cls', { inputs: req('x').inputs, parameters: { 'tessera.slo_ms': 1 } });
      await assert.rejects(doomed, (e: unknown) => e instanceof ServingError && e.code === 'RESOURCE_EXHAUSTED');
    }
    // Overloaded: a refusal frees capacity for others, and the stall's full margin (~270 ms) applies.
    await assert.rejects(probe(), (e: unknown) => e instanceof ServingError && e.code === 'RESOURCE_EXHAUSTED' && /admission/.test(e.message));
  });
}

test("the engine's admission margins take the server's options: with recurrence 1 one stall refuses without overload", async () => {
  const ex = new StallingExecutor('w0');
  const engine = await makeEngine([model('m')], ex, 'tessera', [], { recurrence: 1 });
  await engine.infer(req('m'));
  ex.stallMs = 280;
  await Promise.allSettled(Array.from({ length: 17 }, () => engine.infer(req('m', { 'tessera.slo_ms': 300 }))));
  void engine.infer(req('m'));
  // The same probe the default engine admits after this stall (above): the stall alone now sets the margin.
  await assert.rejects(engine.infer(req('m', { 'tessera.slo_ms': 260 })), (e: unknown) => e instanceof ServingError && e.code === 'RESOURCE_EXHAUSTED' && /admission/.test(e.message));
});
