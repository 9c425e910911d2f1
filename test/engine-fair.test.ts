// The fair policy end to end inside the engine: a profiled model is cut into graph segments, run segment by segment
// (switching between models at boundaries), and answers exactly like the whole model.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import diagnostics from 'node:diagnostics_channel';
import { systemClock } from '../src/core/clock.js';
import type { InferRequest, InferResponse } from '../src/core/inference.js';
import { deviceSwitch } from '../src/engine/channels.js';
import { Engine, type EngineLogger, SEGMENTED_LOG, UNDER_QUANTUM_LOG } from '../src/engine/engine.js';
import type { ExecutorPool } from '../src/engine/executor-pool.js';
import { schedulingPolicy } from '../src/engine/scheduling-policy.js';
import { InProcessExecutor } from '../src/executor/in-process-executor.js';
import type { ModelProfile } from '../src/profiler/profile.js';
import { DEFAULT_VERSION_POLICY, type ModelConfig } from '../src/repository/model-config.js';
import type { RepositoryModel } from '../src/repository/model-repository.js';
import { findZooEntry } from '../src/repository/zoo/zoo-catalog.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-engine-fair-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const logs: string[] = [];
/** The fields of every segmentation log line. */
const segmentedLogs: Record<string, unknown>[] = [];
const logger: EngineLogger = {
  info: (o, m) => {
    logs.push(m ?? '');
    if (m === SEGMENTED_LOG) segmentedLogs.push(o as Record<string, unknown>);
  },
  warn: (o, m) => logs.push(`${m ?? ''} ${JSON.stringify(o)}`), error: () => undefined };

function zooModel(name: string): RepositoryModel {
  const entry = findZooEntry(name);
  assert.ok(entry, `zoo has ${name}`);
  const path = join(dir, name, '1', 'model.onnx');
  mkdirSync(join(dir, name, '1'), { recursive: true });
  writeFileSync(path, entry.build());
  const config: ModelConfig = { name, source: 'none', instance: { kind: 'auto' }, versionPolicy: DEFAULT_VERSION_POLICY };
  return { name, dir: join(dir, name), config, versions: [{ version: 1, path }], warnings: [] };
}

/** A profile saying one run takes `ms`, so a 2 ms quantum asks for several segments. */
function profile(model: string, ms: number): ModelProfile {
  return {
    model,
    version: '1',
    executorKind: 'cpu',
    createdAt: new Date(0).toISOString(),
    loadMs: 1,
    memGrowthBytes: 0,
    points: [],
    fit: { fixedMs: ms, perItemMs: 0, serialFraction: 1, medianRelError: 0, maxRelError: 0 },
  };
}

function image(seed: number): InferRequest['inputs'] {
  const data = new Float32Array(3 * 224 * 224).map((_, i) => Math.sin(i * 0.001 + seed));
  return [{ name: 'input', datatype: 'FP32', shape: [1, 3, 224, 224], data }];
}

async function makeEngine(
  policy: string,
  executor: InProcessExecutor,
  models: RepositoryModel[],
  options: { readonly profileMs?: (model: string) => number; readonly preemptQuantumMs?: number } = {},
): Promise<Engine> {
  const pool: ExecutorPool = { executors: () => [executor], isAvailable: () => true, onChange: () => undefined, stop: async () => undefined };
  const engine = new Engine({
    repository: { scan: async () => models, get: async (n) => models.find((m) => m.name === n) },
    pool,
    clock: systemClock,
    logger,
    serverVersion: 'test',
    policy: schedulingPolicy(policy),
    profiles: { profiles: async (m) => [profile(m, options.profileMs?.(m) ?? 20)], background: () => [], versionReady: () => undefined },
    defaults: {
      intraOpThreads: 1,
      maxBatchSize: 4,
      maxQueueDelayUs: 0,
      maxQueueLength: 100,
      unavailableTimeoutMs: 5000,
      maxBatchesInFlight: 2,
      segmentQuantumMs: 2,
      ...(options.preemptQuantumMs === undefined ? {} : { preemptQuantumMs: options.preemptQuantumMs }),
      segmentDir: join(dir, 'segments'),
    },
  });
  await engine.start({ loadAll: true });
  return engine;
}

/** The same squeezenet1.1 / mobilenetv2-0.5 requests (one pair per seed), sent concurrently to both engines. */
async function bothAnswer(reference: Engine, tested: Engine, seeds: readonly number[]): Promise<{ expected: InferResponse[]; actual: InferResponse[] }> {
  const requests = seeds.flatMap((seed) => [
    { model: 'squeezenet1.1', inputs: image(seed) },
    { model: 'mobilenetv2-0.5', inputs: image(seed + 10) },
  ]);
  const [expected, actual] = await Promise.all([Promise.all(requests.map((r) => reference.infer(r))), Promise.all(requests.map((r) => tested.infer(r)))]);
  return { expected, actual };
}

/** Every output element of `actual` within float tolerance of `expected`'s. */
function assertClose(expected: readonly InferResponse[], actual: readonly InferResponse[]): void {
  actual.forEach((res, i) => {
    const want = expected[i]?.outputs[0]?.data as Float32Array;
    const got = res.outputs[0]?.data as Float32Array;
    for (let k = 0; k < got.length; k++) assert.ok(Math.abs((got[k] as number) - (want[k] as number)) <= 1e-4 + 1e-4 * Math.abs(want[k] as number), `output ${k} of request ${i}`);
  });
}

test('under the fair policy a profiled model runs in segments and answers exactly like the whole model', async () => {
  const models = [zooModel('squeezenet1.1'), zooModel('mobilenetv2-0.5')];
  const whole = await makeEngine('tessera', new InProcessExecutor('whole'), models);
  const fairExecutor = new InProcessExecutor('fair');
  const fair = await makeEngine('fair', fairExecutor, models);
  await new Promise((r) => setTimeout(r, 10));
  // Profiles arrive asynchronously after load; wait until both versions are segmented.
  for (let i = 0; i < 200 && logs.filter((l) => l === SEGMENTED_LOG).length < 2; i++) await new Promise((r) => setTimeout(r, 25));
  assert.equal(logs.filter((l) => l === SEGMENTED_LOG).length, 2, logs.join('\n'));
  assert.ok(fairExecutor.loadedKeys().some((k) => k.endsWith('#seg')));
  // Each was cut in the graph onnxruntime runs (blocked layout) or, on a CPU without it, in the stored graph, saying why.
  for (const o of segmentedLogs) assert.ok(o['graph'] === 'runtime' || typeof o['storedBecause'] === 'string', JSON.stringify(o));
  assert.ok(!fairExecutor.loadedKeys().some((k) => k.endsWith('#runtime-graph')), 'the session that wrote the runtime graph is closed');

  let switches = 0;
  const onSwitch = (): void => {
    switches += 1;
  };
  diagnostics.subscribe(deviceSwitch.name as string, onSwitch);
  try {
    const { expected, actual } = await bothAnswer(whole, fair, [0, 1, 2, 3]);
    actual.forEach((res, i) => assert.equal(res.outputs[0]?.data.length, expected[i]?.outputs[0]?.data.length));
    assertClose(expected, actual);
    // Two models each cut into several segments: the executor switched between them more often than once per request.
    assert.ok(switches > actual.length, `switches: ${switches}`);
  } finally {
    diagnostics.unsubscribe(deviceSwitch.name as string, onSwitch);
    await whole.drain(1000);
    await fair.drain(1000);
  }
});

/** Counts the segments it runs. */
class CountingExecutor extends InProcessExecutor {
  segmentRuns = 0;
  override runSegment(...args: Parameters<InProcessExecutor['runSegment']>): ReturnType<InProcessExecutor['runSegment']> {
    this.segmentRuns += 1;
    return super.runSegment(...args);
  }
}

test('under the tessera policy only a model slower than the preemption quantum is cut; it runs in segments only beside other work, and answers like the whole model', async () => {
  logs.length = 0;
  const models = [zooModel('squeezenet1.1'), zooModel('mobilenetv2-0.5')];
  const whole = await makeEngine('tessera', new InProcessExecutor('whole-edf'), models);
  const executor = new CountingExecutor('edf');
  // squeezenet1.1 "takes" 25 ms: three segments of about 10 ms; mobilenetv2-0.5 takes 6 ms and stays whole.
  const edf = await makeEngine('tessera', executor, models, { profileMs: (m) => (m === 'squeezenet1.1' ? 25 : 6), preemptQuantumMs: 10 });
  for (let i = 0; i < 200 && !logs.includes(SEGMENTED_LOG); i++) await new Promise((r) => setTimeout(r, 25));
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(logs.filter((l) => l === SEGMENTED_LOG).length, 1, logs.join('\n'));
  // The model under the quantum says so once, so a reader (or a benchmark) need not wait for a segmentation.
  assert.equal(logs.filter((l) => l === UNDER_QUANTUM_LOG).length, 1, logs.join('\n'));
  const segmentedKeys = executor.loadedKeys().filter((k) => k.endsWith('#seg'));
  assert.deepEqual(segmentedKeys, ['squeezenet1.1@1#seg']);
  try {
    // Alone on the executor: no one to preempt for, the whole graph runs.
    await edf.infer({ model: 'squeezenet1.1', inputs: image(7) });
    assert.equal(executor.segmentRuns, 0);
    const { expected, actual } = await bothAnswer(whole, edf, [0, 1, 2]);
    assertClose(expected, actual);
    // Beside mobilenetv2-0.5's requests squeezenet1.1 ran in its segments.
    assert.ok(executor.segmentRuns >= 3, `segment runs: ${executor.segmentRuns}`);
  } finally {
    await whole.drain(1000);
    await edf.drain(1000);
  }
});
