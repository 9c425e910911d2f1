// Profiles the experiment's models on one thread (stored where the server finds them) and returns their batch-1 cost.

import { profileCommand } from '../../src/cli/profile-command.js';
import type { ModelProfile } from '../../src/profiler/profile.js';
import { predictLatencyMs } from '../../src/profiler/profile.js';
import { findZooEntry } from '../../src/repository/zoo/zoo-catalog.js';
import type { VariantCost } from './capacity.js';

export interface ProfileBudget {
  readonly cellBudgetMs: number;
  readonly modelBudgetMs: number;
}

/** Largest batch swept; the fit extrapolates beyond it (batch cost is close to linear on one CPU thread). */
const PROFILE_MAX_BATCH = 8;

/**
 * Runs `tessera profile` in-process (its sweep runs on a worker process of its own) for `models` of `repository` and
 * stores the profiles under `stateDir`, so every server started later routes and admits with them.
 */
export async function profileVariants(repository: string, stateDir: string, models: readonly string[], threads: number, budget: ProfileBudget): Promise<ModelProfile[]> {
  let json = '';
  await profileCommand({
    repository,
    stateDir,
    models,
    threads: [threads],
    maxBatch: PROFILE_MAX_BATCH,
    executorKinds: ['cpu'],
    cellBudgetMs: budget.cellBudgetMs,
    modelBudgetMs: budget.modelBudgetMs,
    json: true,
    logLevel: 'warn',
    write: (text) => {
      json += text;
    },
  });
  return (JSON.parse(json) as { profiles: ModelProfile[] }).profiles;
}

/** Each profiled model's task, declared accuracy and fitted batch-1 latency. */
export function variantCosts(profiles: readonly ModelProfile[], threads: number): VariantCost[] {
  return profiles.map((p) => {
    const entry = findZooEntry(p.model);
    if (entry === undefined) throw new Error(`profiled model '${p.model}' is not in the zoo`);
    return { model: p.model, task: entry.task, accuracy: entry.declaredAccuracy ?? 0, batch1Ms: Number(predictLatencyMs(p.fit, 1, threads).toFixed(3)) };
  });
}
