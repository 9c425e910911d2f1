// Profiles one model version on one executor kind through a real executor: for each intra-op thread count, loads a
// private session, sweeps batch sizes 1, 2, 4, … within a time budget, unloads, then fits the latency model.

import { ServingError, toServingError } from '../core/errors.js';
import type { TensorSpec } from '../core/inference.js';
import type { Tensor } from '../core/tensor.js';
import type { Executor, LoadedSession } from '../executor/executor.js';
import { fitLatency } from './fit.js';
import { GPU_EXECUTION_PROVIDERS, cudaProviderInstalled } from './gpu-provider.js';
import { firstRows, generateInputs } from './input-generator.js';
import { measureCell } from './measure-cell.js';
import { modelSource } from './model-source.js';
import type { ExecutorKind, ModelProfile, ProfilePoint, ProfileSource, SkippedCell } from './profile.js';
import { REPETITION_DEFAULTS, type RepetitionOptions } from './repetition-policy.js';
import { batchSizesUpTo } from './sweep-axes.js';

export interface ProfileTarget {
  readonly model: string;
  readonly version: string;
  /** Absolute path of the model file. */
  readonly path: string;
  /** Input specs to use instead of the session's (e.g. to size dynamic non-batch dimensions); dim 0 is the batch. */
  readonly inputs?: readonly TensorSpec[];
  /** Largest batch the model accepts; 0: it does not batch (inputs at their declared shapes, batch size 1). */
  readonly maxBatchSize: number;
  readonly executorKind: ExecutorKind;
}

export interface ProfileBudget extends RepetitionOptions {
  /** Wall-time budget of one model's sweep on one executor kind, ms, shared fairly by the thread counts. */
  readonly maxModelMs: number;
}

export const PROFILE_BUDGET_DEFAULTS: ProfileBudget = { ...REPETITION_DEFAULTS, maxModelMs: 20_000 };

export interface ProfileOptions {
  /** Intra-op thread counts to sweep. */
  readonly threads: readonly number[];
  /** Batch sizes to sweep; default 1, 2, 4, … up to the target's maxBatchSize. */
  readonly batchSizes?: readonly number[];
  readonly budget?: Partial<ProfileBudget>;
  /** Called after each cell (measured or skipped). */
  readonly onProgress?: (done: number, total: number, label: string) => void;
  /** Current resident memory of the executor's process; without it memGrowthBytes is 0 and a note says so. */
  readonly rssBytes?: () => Promise<number | undefined>;
  /** Seed of the random inputs (default 1). */
  readonly seed?: number;
  /** Size of dynamic dimensions other than the batch (default 1). */
  readonly dynamicDimSize?: number;
  /** Aborting stops the sweep after the run in progress; the promise rejects with CANCELLED. */
  readonly signal?: AbortSignal;
}

/** Session key of a sweep: never the key of a serving session ("model@version"). */
export function profileSessionKey(target: Pick<ProfileTarget, 'model' | 'version' | 'executorKind'>, threads: number): string {
  return `profile:${target.model}@${target.version}:t${threads}${target.executorKind === 'gpu' ? ':gpu' : ''}`;
}

interface Sweep {
  readonly points: ProfilePoint[];
  readonly skipped: SkippedCell[];
  readonly loadMs: number[];
  readonly memGrowthBytes: number[];
  readonly notes: Set<string>;
  /** Inputs at the largest batch, generated once; smaller batches take their leading rows. */
  inputs: Tensor[] | undefined;
  done: number;
  total: number;
}

/**
 * Rejects UNAVAILABLE ("no GPU provider: …") for a GPU target that cannot load on the GPU, FAILED_PRECONDITION when
 * no cell could be measured, CANCELLED when aborted, and with the executor's error when the model does not load.
 */
export async function profileModel(executor: Executor, target: ProfileTarget, options: ProfileOptions): Promise<ModelProfile> {
  const budget: ProfileBudget = { ...PROFILE_BUDGET_DEFAULTS, ...options.budget };
  const startMs = performance.now();
  const deadlineMs = startMs + budget.maxModelMs;
  if (target.executorKind === 'gpu' && !(await cudaProviderInstalled())) {
    throw new ServingError('UNAVAILABLE', 'no GPU provider: onnxruntime-node has no CUDA execution provider installed');
  }
  const threads = [...new Set(options.threads)].filter((t) => Number.isInteger(t) && t > 0).sort((a, b) => a - b);
  if (threads.length === 0) throw new ServingError('INVALID_ARGUMENT', 'profiling needs at least one thread count');
  const planned = plannedBatchSizes(target.maxBatchSize, options.batchSizes);
  const sweep: Sweep = { points: [], skipped: [], loadMs: [], memGrowthBytes: [], notes: new Set(), inputs: undefined, done: 0, total: threads.length * planned.length };

  for (const [i, t] of threads.entries()) {
    // Each thread count gets an equal share of what is left, so one slow setting cannot starve the others.
    const shareEndMs = performance.now() + (deadlineMs - performance.now()) / (threads.length - i);
    await sweepThreads(executor, target, options, budget, t, planned, shareEndMs, sweep);
  }
  if (sweep.points.length === 0) {
    throw new ServingError('FAILED_PRECONDITION', `no cell of ${target.model}@${target.version} could be measured: ${sweep.skipped[0]?.reason ?? 'nothing planned'}`);
  }
  return finish(target, sweep, performance.now() - startMs, options.rssBytes !== undefined);
}

function plannedBatchSizes(maxBatchSize: number, requested: readonly number[] | undefined): number[] {
  if (maxBatchSize <= 0) return [1];
  const sizes = requested === undefined ? batchSizesUpTo(maxBatchSize) : requested.filter((b) => Number.isInteger(b) && b > 0 && b <= maxBatchSize);
  const unique = [...new Set(sizes)].sort((a, b) => a - b);
  return unique.length === 0 ? [1] : unique;
}

async function sweepThreads(
  executor: Executor,
  target: ProfileTarget,
  options: ProfileOptions,
  budget: ProfileBudget,
  threads: number,
  planned: readonly number[],
  shareEndMs: number,
  sweep: Sweep,
): Promise<void> {
  const key = profileSessionKey(target, threads);
  const rssBefore = await options.rssBytes?.();
  const session = await loadSession(executor, target, key, threads);
  try {
    sweep.loadMs.push(session.loadMs);
    const specs = target.inputs ?? session.inputs;
    const batched = target.maxBatchSize > 0 && specs.length > 0 && specs.every((s) => s.shape[0] === -1);
    let sizes = planned;
    if (!batched && planned.length > 1) {
      sweep.notes.add('the inputs have no dynamic batch dimension: batch 1 only, at the declared shapes');
      sweep.total -= planned.length - 1;
      sizes = [1];
    }
    const progress = (b: number): void => {
      sweep.done += 1;
      options.onProgress?.(sweep.done, sweep.total, `${target.model}@${target.version} ${target.executorKind} b=${b} t=${threads}`);
    };
    let stopReason: string | undefined;
    let previous: { batchSize: number; roundTripMs: number } | undefined;
    for (const [i, b] of sizes.entries()) {
      const warmupRuns = i === 0 ? budget.warmupRuns : budget.cellWarmupRuns;
      const leftMs = shareEndMs - performance.now();
      const cellBudgetMs = Math.min(budget.maxCellMs, leftMs);
      // The first cell is always measured, so every thread count yields a point; later ones must fit the budget.
      if (stopReason === undefined && previous !== undefined) {
        const expectedMs = (previous.roundTripMs * b) / previous.batchSize;
        const runs = warmupRuns + budget.minReps;
        if (expectedMs * runs > cellBudgetMs) {
          const which = leftMs < budget.maxCellMs ? 'model budget' : 'cell budget';
          stopReason = `${which}: ${runs} runs of ~${expectedMs.toFixed(1)} ms would exceed the ${Math.max(0, cellBudgetMs).toFixed(0)} ms left`;
        }
      }
      if (stopReason !== undefined) {
        sweep.skipped.push({ batchSize: b, threads, reason: stopReason });
        progress(b);
        continue;
      }
      sweep.inputs ??= generateInputs(specs, Math.max(...sizes), options.seed ?? 1, {
        batched,
        ...(options.dynamicDimSize === undefined ? {} : { dynamicDimSize: options.dynamicDimSize }),
      });
      const inputs = batched ? firstRows(sweep.inputs, b) : sweep.inputs;
      try {
        const plan = { warmupRuns, budgetMs: cellBudgetMs, policy: budget, ...(options.signal === undefined ? {} : { signal: options.signal }) };
        const cell = await measureCell(executor, key, inputs, plan);
        sweep.points.push({
          batchSize: b,
          threads,
          latency: cell.latency,
          throughputPerS: (b * 1000) / cell.latency.meanMs,
          converged: cell.converged,
          overheadP50Ms: cell.overheadP50Ms,
        });
        previous = { batchSize: b, roundTripMs: cell.roundTripP50Ms };
      } catch (err) {
        const error = toServingError(err);
        // A dead worker or a cancelled sweep ends the profile; anything else ends this thread count's larger batches.
        if (error.code === 'UNAVAILABLE' || error.code === 'CANCELLED') throw error;
        stopReason = `run failed at batch ${b}: ${error.message}`;
        sweep.skipped.push({ batchSize: b, threads, reason: stopReason });
      }
      progress(b);
    }
    const rssAfter = await options.rssBytes?.();
    if (rssBefore !== undefined && rssAfter !== undefined) sweep.memGrowthBytes.push(rssAfter - rssBefore);
  } finally {
    await executor.unload(key).catch(() => undefined);
  }
}

async function loadSession(executor: Executor, target: ProfileTarget, key: string, threads: number): Promise<LoadedSession> {
  const gpu = target.executorKind === 'gpu';
  const spec = { key, path: target.path, options: { intraOpThreads: threads, ...(gpu ? { executionProviders: GPU_EXECUTION_PROVIDERS } : {}) } };
  try {
    return await executor.load(spec);
  } catch (err) {
    const error = toServingError(err);
    if (gpu && error.code !== 'UNAVAILABLE') throw new ServingError('UNAVAILABLE', `no GPU provider: ${error.message}`, { cause: err });
    throw error;
  }
}

async function finish(target: ProfileTarget, sweep: Sweep, sweepMs: number, memoryRead: boolean): Promise<ModelProfile> {
  const fit = fitLatency(sweep.points.map((p) => ({ batchSize: p.batchSize, cores: p.threads, latencyMs: p.latency.p50Ms })));
  const notes = [...sweep.notes];
  if (new Set(sweep.points.map((p) => p.threads)).size < 2) notes.push('one thread count measured: serialFraction fixed at 1');
  if (new Set(sweep.points.map((p) => p.batchSize)).size < 2) notes.push('one batch size measured: all cost charged per row');
  const unconverged = sweep.points.filter((p) => p.converged === false).length;
  if (unconverged > 0) notes.push(`${unconverged} of ${sweep.points.length} cells stopped before the median converged`);
  if (sweep.memGrowthBytes.length === 0) notes.push(memoryRead ? 'worker memory could not be read' : 'worker memory not measured');
  let source: ProfileSource | undefined;
  try {
    source = await modelSource(target.path);
  } catch {
    notes.push('the model file could not be read to identify it');
  }
  return {
    model: target.model,
    version: target.version,
    executorKind: target.executorKind,
    createdAt: new Date().toISOString(),
    loadMs: median(sweep.loadMs),
    memGrowthBytes: sweep.memGrowthBytes.length === 0 ? 0 : Math.max(...sweep.memGrowthBytes),
    points: sweep.points,
    fit,
    ...(source === undefined ? {} : { source }),
    skipped: sweep.skipped,
    sweepMs,
    notes,
  };
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? 0 : n % 2 === 1 ? (s[(n - 1) / 2] as number) : ((s[n / 2 - 1] as number) + (s[n / 2] as number)) / 2;
}
