// The profiler through a real worker process: sweeps of tiny-add and bert-tiny, profiles stored in both places,
// and the background profiler working a queue one model at a time while skipping what is already profiled.

import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WorkerPool } from '../src/executor/worker-pool.js';
import { BackgroundProfiler } from '../src/profiler/background-profiler.js';
import { cudaProviderInstalled } from '../src/profiler/gpu-provider.js';
import type { ModelProfile } from '../src/profiler/profile.js';
import { ProfileStore } from '../src/profiler/profile-store.js';
import { PROFILE_BUDGET_DEFAULTS, type ProfileBudget, profileModel, profileSessionKey } from '../src/profiler/profiler.js';
import { workerRssBytes } from '../src/profiler/worker-rss.js';
import { generateZoo } from '../src/repository/zoo/generate-zoo.js';

const READY_TIMEOUT_MS = 20_000;
const THREADS = [1, 2];
const MAX_BATCH = 8;
/** Small budgets keep the file fast; bert-tiny's is tight enough that larger batches may be skipped. */
const TINY_BUDGET: Partial<ProfileBudget> = { maxCellMs: 500, maxModelMs: 5000 };
const BERT_BUDGET: Partial<ProfileBudget> = { maxCellMs: 150, maxModelMs: 1500 };
const MIN_REPS = PROFILE_BUDGET_DEFAULTS.minReps;

const dir = mkdtempSync(join(tmpdir(), 'tessera-prof-live-'));
const repo = join(dir, 'repo');
const stateDir = join(dir, 'state');
const modelPath = (name: string): string => join(repo, name, '1', 'model.onnx');

before(async () => {
  await generateZoo(repo, { only: ['tiny-add', 'bert-tiny'] });
  // A second small model for the queue; the same file under another name is profiled again (it has no profile).
  cpSync(join(repo, 'tiny-add'), join(repo, 'tiny-add-b'), { recursive: true });
});
after(() => rmSync(dir, { recursive: true, force: true }));

function assertWellFormed(profile: ModelProfile): void {
  for (const p of profile.points) {
    const l = p.latency;
    assert.ok(l.samples >= MIN_REPS, `b=${p.batchSize} t=${p.threads}: ${l.samples} samples`);
    assert.ok(l.meanMs > 0 && l.p50Ms > 0, 'latencies are positive');
    assert.ok(l.p50Ms <= l.p95Ms && l.p95Ms <= l.p99Ms, 'percentiles are ordered');
    assert.ok(Math.abs(p.throughputPerS - (p.batchSize * 1000) / l.meanMs) < 1e-6 * p.throughputPerS, 'throughput = batch / mean latency');
    assert.ok((p.overheadP50Ms ?? -1) >= 0, 'round-trip overhead is recorded');
  }
  assert.ok(Number.isFinite(profile.fit.medianRelError) && profile.fit.medianRelError >= 0);
  assert.ok(profile.fit.maxRelError >= profile.fit.medianRelError);
  assert.ok(profile.loadMs > 0);
  assert.ok(Number.isFinite(profile.memGrowthBytes));
  assert.ok(profile.source !== undefined && profile.source.sizeBytes > 0);
}

describe('profileModel on a worker process', () => {
  const pool = new WorkerPool();
  const runDir = join(dir, 'run');
  const store = new ProfileStore({ stateDir, repositoryDir: repo });

  before(() => pool.start(1, { runDir, startTimeoutMs: READY_TIMEOUT_MS }));
  after(() => pool.stop());

  it('sweeps tiny-add over threads and batch sizes beside a serving session, and stores the profile in both places', async () => {
    const worker = pool.executor('worker-0');
    await worker.load({ key: 'tiny-add@1', path: modelPath('tiny-add'), options: { intraOpThreads: 1 } });
    const progress: number[] = [];
    const profile = await profileModel(
      worker,
      { model: 'tiny-add', version: '1', path: modelPath('tiny-add'), maxBatchSize: MAX_BATCH, executorKind: 'cpu' },
      { threads: THREADS, budget: TINY_BUDGET, rssBytes: () => workerRssBytes(worker), onProgress: (done) => progress.push(done) },
    );
    assert.deepEqual(
      profile.points.map((p) => [p.threads, p.batchSize]),
      [[1, 1], [1, 2], [1, 4], [1, 8], [2, 1], [2, 2], [2, 4], [2, 8]],
    );
    assertWellFormed(profile);
    assert.deepEqual(progress, [1, 2, 3, 4, 5, 6, 7, 8]);
    // The sweep's sessions are gone; the serving session is untouched.
    assert.deepEqual(worker.loadedKeys(), ['tiny-add@1']);
    assert.notEqual(profileSessionKey({ model: 'tiny-add', version: '1', executorKind: 'cpu' }, 1), 'tiny-add@1');

    const saved = await store.save(profile);
    assert.ok(existsSync(saved.statePath));
    assert.ok(saved.repositoryPath !== undefined && existsSync(saved.repositoryPath));
    assert.deepEqual(await store.getKind('tiny-add', '1', 'cpu'), profile);
    await worker.unload('tiny-add@1');
  });

  it('sweeps bert-tiny within a tiny budget, recording every cell it skipped', async () => {
    const worker = pool.executor('worker-0');
    const profile = await profileModel(
      worker,
      { model: 'bert-tiny', version: '1', path: modelPath('bert-tiny'), maxBatchSize: MAX_BATCH, executorKind: 'cpu' },
      { threads: THREADS, budget: BERT_BUDGET, rssBytes: () => workerRssBytes(worker) },
    );
    assertWellFormed(profile);
    const cells = [...profile.points, ...(profile.skipped ?? [])].map((c) => `${c.threads}/${c.batchSize}`).sort();
    assert.deepEqual(cells, ['1/1', '1/2', '1/4', '1/8', '2/1', '2/2', '2/4', '2/8']);
    // Every thread count is measured at batch 1 whatever the budget.
    assert.ok(profile.points.some((p) => p.threads === 1 && p.batchSize === 1));
    assert.ok(profile.points.some((p) => p.threads === 2 && p.batchSize === 1));
    assert.ok(profile.memGrowthBytes > 0, 'loading a 4 MB model grows the worker');
  });

  it('refuses GPU numbers unless a session really loads with the CUDA provider', async () => {
    const worker = pool.executor('worker-0');
    const outcome = await profileModel(
      worker,
      { model: 'tiny-add', version: '1', path: modelPath('tiny-add'), maxBatchSize: 2, executorKind: 'gpu' },
      { threads: [1], budget: TINY_BUDGET },
    ).catch((err: unknown) => err);
    if (!(await cudaProviderInstalled())) {
      assert.equal((outcome as { code?: unknown }).code, 'UNAVAILABLE');
      assert.match((outcome as Error).message, /no GPU provider/);
    } else if ((outcome as { code?: unknown }).code === 'UNAVAILABLE') {
      assert.match((outcome as Error).message, /no GPU provider/);
    } else {
      assert.equal((outcome as ModelProfile).executorKind, 'gpu');
    }
    assert.deepEqual(worker.loadedKeys(), []);
  });
});

describe('BackgroundProfiler', () => {
  it('profiles queued models one after the other and skips one already profiled', async () => {
    const store = new ProfileStore({ stateDir, repositoryDir: repo });
    const infos: string[] = [];
    const profiler = new BackgroundProfiler({
      store,
      threads: THREADS,
      budget: BERT_BUDGET,
      logger: { info: (_o, msg) => infos.push(msg), warn: (_o, msg) => infos.push(`warn: ${msg}`) },
      pool: { startTimeoutMs: READY_TIMEOUT_MS },
    });
    try {
      // tiny-add was profiled (and stored) by the tests above, from this very file.
      assert.ok((await store.getKind('tiny-add', '1', 'cpu')) !== undefined);
      for (const model of ['tiny-add', 'bert-tiny', 'tiny-add-b']) {
        profiler.enqueue({ model, version: '1', path: modelPath(model), maxBatchSize: MAX_BATCH });
      }
      profiler.enqueue({ model: 'bert-tiny', version: '1', path: modelPath('bert-tiny'), maxBatchSize: MAX_BATCH });
      await profiler.whenIdle();
      const status = profiler.status();
      assert.deepEqual(status.map((s) => [s.model, s.state]), [['tiny-add', 'skipped'], ['bert-tiny', 'done'], ['tiny-add-b', 'done']]);
      const [, bert, copy] = status;
      assert.ok(bert?.finishedAtMs !== undefined && copy?.startedAtMs !== undefined && bert.finishedAtMs <= copy.startedAtMs, 'one at a time');
      for (const model of ['bert-tiny', 'tiny-add-b']) {
        const stored = await store.getKind(model, '1', 'cpu');
        assert.ok(stored !== undefined, `${model} stored`);
        assertWellFormed(stored);
      }
      assert.ok(infos.includes('background profiling done'));
      assert.ok(!infos.some((m) => m.startsWith('warn')), infos.join('; '));
    } finally {
      await profiler.stop();
    }
  });
});
