// Profiles each validation model once per run through a real worker process with the server's intra-op threads.

import { join } from 'node:path';
import { WorkerPool } from '../../src/executor/worker-pool.js';
import type { ModelProfile } from '../../src/profiler/profile.js';
import { profileModel } from '../../src/profiler/profiler.js';
import { workerRssBytes } from '../../src/profiler/worker-rss.js';
import { MAX_BATCH_SIZE, zooModelPath } from './mode-repository.js';

/** Every batch size the batching mode can form, so the simulator never falls back to the fit. */
const BATCH_SIZES = Array.from({ length: MAX_BATCH_SIZE }, (_, i) => i + 1);

/**
 * More samples per cell than the profiler's defaults: the run-to-run spread (scv) drives the predicted p95, and a
 * 5-run cell that converged on its median says little about it. Cells still stop at their time budget.
 */
const BUDGET = { warmupRuns: 5, cellWarmupRuns: 2, minReps: 20, maxReps: 300, maxCellMs: 1_500, targetRelHalfWidth: 0.005, maxModelMs: 20_000 } as const;

export async function profileModels(
  models: readonly string[],
  zooDir: string,
  runDir: string,
  threads: number,
  onProgress: (label: string) => void,
): Promise<ModelProfile[]> {
  const pool = new WorkerPool();
  await pool.start(1, { runDir: join(runDir, 'profile-worker') });
  try {
    const worker = pool.executors()[0];
    if (worker === undefined) throw new Error('the profiling worker did not start');
    const profiles: ModelProfile[] = [];
    for (const model of models) {
      onProgress(`profile ${model}`);
      profiles.push(
        await profileModel(
          worker,
          { model, version: '1', path: zooModelPath(zooDir, model), maxBatchSize: MAX_BATCH_SIZE, executorKind: 'cpu' },
          { threads: [threads], batchSizes: BATCH_SIZES, budget: BUDGET, rssBytes: () => workerRssBytes(worker) },
        ),
      );
    }
    return profiles;
  } finally {
    await pool.stop();
  }
}
