// Profiles each validation model once per run through a real worker process with the server's intra-op threads.

import { join } from 'node:path';
import type { PooledWorker } from '../../src/executor/worker-pool.js';
import { WorkerPool } from '../../src/executor/worker-pool.js';
import type { ModelProfile } from '../../src/profiler/profile.js';
import { profileModel } from '../../src/profiler/profiler.js';
import { workerRssBytes } from '../../src/profiler/worker-rss.js';
import { ownCpuUs } from '../lib/child-task-entry.js';
import { procCpuUs } from '../lib/proc-stats.js';
import { machineBusyUs } from './machine-cpu.js';
import { MAX_BATCH_SIZE, zooModelPath } from './mode-repository.js';

/** Every batch size the batching mode can form, so the simulator never falls back to the fit. */
const BATCH_SIZES = Array.from({ length: MAX_BATCH_SIZE }, (_, i) => i + 1);

/**
 * More samples per cell than the profiler's defaults: the run-to-run spread (scv) drives the predicted p95, and a
 * 5-run cell that converged on its median says little about it. Cells still stop at their time budget.
 */
const BUDGET = { warmupRuns: 5, cellWarmupRuns: 2, minReps: 20, maxReps: 300, maxCellMs: 1_500, targetRelHalfWidth: 0.005, maxModelMs: 20_000 } as const;

export interface ProfiledModel {
  readonly profile: ModelProfile;
  /** Cores other processes on the machine used while the kept sweep ran. */
  readonly otherCores: number;
  /** Sweeps run (a sweep disturbed by other processes is repeated once and the quieter one kept). */
  readonly attempts: number;
}

async function sweepOnce(worker: PooledWorker, model: string, zooDir: string, threads: number): Promise<ProfiledModel> {
  const startMs = performance.now();
  const machine0 = machineBusyUs();
  const self0 = ownCpuUs();
  const worker0 = worker.pid === undefined ? Number.NaN : (procCpuUs(worker.pid) ?? Number.NaN);
  const profile = await profileModel(
    worker,
    { model, version: '1', path: zooModelPath(zooDir, model), maxBatchSize: MAX_BATCH_SIZE, executorKind: 'cpu' },
    { threads: [threads], batchSizes: BATCH_SIZES, budget: BUDGET, rssBytes: () => workerRssBytes(worker) },
  );
  const spanUs = (performance.now() - startMs) * 1000;
  const workerUs = (worker.pid === undefined ? Number.NaN : (procCpuUs(worker.pid) ?? Number.NaN)) - worker0;
  const otherUs = machineBusyUs() - machine0 - (ownCpuUs() - self0) - workerUs;
  return { profile, otherCores: Math.max(0, otherUs / spanUs), attempts: 1 };
}

export async function profileModels(
  models: readonly string[],
  zooDir: string,
  runDir: string,
  threads: number,
  otherCoresLimit: number,
  onProgress: (label: string) => void,
): Promise<ProfiledModel[]> {
  const pool = new WorkerPool();
  await pool.start(1, { runDir: join(runDir, 'profile-worker') });
  try {
    const worker = pool.executors()[0];
    if (worker === undefined) throw new Error('the profiling worker did not start');
    const out: ProfiledModel[] = [];
    for (const model of models) {
      onProgress(`profile ${model}`);
      let kept = await sweepOnce(worker, model, zooDir, threads);
      if (kept.otherCores > otherCoresLimit) {
        onProgress(`profile ${model} again: other processes used ${kept.otherCores.toFixed(2)} cores`);
        const again = await sweepOnce(worker, model, zooDir, threads);
        kept = { ...(again.otherCores < kept.otherCores ? again : kept), attempts: 2 };
      }
      out.push(kept);
    }
    return out;
  } finally {
    await pool.stop();
  }
}
