// Server-side figures of one window per model from the statistics extension (GET /v2/models/{m}/stats) deltas.

import type { ModelStatistics } from '../../src/core/inference.js';

export interface ServerWindowStats {
  readonly requests: number;
  readonly batches: number;
  readonly meanBatchRows: number;
  /** Mean session.run time per batch, as the worker timed it, ms. */
  readonly meanComputeMs: number;
  /** Mean session.run time of batches of one row, ms (NaN when none ran). */
  readonly meanComputeB1Ms: number;
  /** Worker time in session.run over the window for this model, ms. */
  readonly computeMs: number;
  /** Mean admission-to-answer time inside the engine, ms. */
  readonly meanEngineMs: number;
  /** Mean time queued in the model's batcher, ms. */
  readonly meanQueueMs: number;
  /**
   * meanEngineMs − meanQueueMs: how long the model's instance is held per request (batch assembly, worker round
   * trip, waiting behind other models' batches at the worker, session.run), ms.
   */
  readonly meanInstanceMs: number;
}

export async function fetchStats(port: number, model: string): Promise<ModelStatistics> {
  const res = await fetch(`http://127.0.0.1:${port}/v2/models/${encodeURIComponent(model)}/stats`);
  if (!res.ok) throw new Error(`stats of ${model}: HTTP ${res.status}`);
  const body = (await res.json()) as { model_stats: ModelStatistics[] };
  const stats = body.model_stats[0];
  if (stats === undefined) throw new Error(`no statistics for ${model}`);
  return stats;
}

const NS_PER_MS = 1e6;

function computeByBatch(s: ModelStatistics): Map<number, { count: number; ns: number }> {
  return new Map(s.batch_stats.map((b) => [b.batch_size, { count: b.compute_infer.count, ns: b.compute_infer.ns }]));
}

export function windowStats(before: ModelStatistics, after: ModelStatistics): ServerWindowStats {
  const requests = after.inference_stats.success.count - before.inference_stats.success.count;
  const batches = after.execution_count - before.execution_count;
  const rows = after.inference_count - before.inference_count;
  const b0 = computeByBatch(before);
  let computeNs = 0;
  let b1 = { count: 0, ns: 0 };
  for (const [size, a] of computeByBatch(after)) {
    const d = { count: a.count - (b0.get(size)?.count ?? 0), ns: a.ns - (b0.get(size)?.ns ?? 0) };
    computeNs += d.ns;
    if (size === 1) b1 = d;
  }
  const engineNs = after.inference_stats.success.ns - before.inference_stats.success.ns;
  const queueNs = after.inference_stats.queue.ns - before.inference_stats.queue.ns;
  const perRequestMs = (ns: number): number => (requests === 0 ? Number.NaN : ns / requests / NS_PER_MS);
  return {
    requests,
    batches,
    meanBatchRows: batches === 0 ? Number.NaN : rows / batches,
    meanComputeMs: batches === 0 ? Number.NaN : computeNs / batches / NS_PER_MS,
    meanComputeB1Ms: b1.count === 0 ? Number.NaN : b1.ns / b1.count / NS_PER_MS,
    computeMs: computeNs / NS_PER_MS,
    meanEngineMs: perRequestMs(engineNs),
    meanQueueMs: perRequestMs(queueNs),
    meanInstanceMs: perRequestMs(engineNs - queueNs),
  };
}
