// Where a request's time goes inside Tessera, from the statistics extension (GET /v2/models/{m}/stats) deltas.

import type { ModelStatistics } from '../../src/core/inference.js';

export interface EngineBreakdown {
  readonly requests: number;
  /** Rows per executed batch. */
  readonly meanBatchRows: number;
  /** Mean per request, µs: admission to answer inside the engine. */
  readonly engineUs: number;
  readonly queueUs: number;
  /** Concatenating inputs and splitting outputs of the batch. */
  readonly batchAssemblyUs: number;
  /** session.run as timed inside the worker. */
  readonly computeInferUs: number;
  /** engine − queue − assembly − compute: the worker round trip (framing, socket, decode) and dispatch. */
  readonly workerRoundTripUs: number;
}

export async function fetchModelStats(httpPort: number, model: string): Promise<ModelStatistics> {
  const res = await fetch(`http://127.0.0.1:${httpPort}/v2/models/${model}/stats`);
  if (!res.ok) throw new Error(`stats of ${model}: HTTP ${res.status}`);
  const body = (await res.json()) as { model_stats: ModelStatistics[] };
  const stats = body.model_stats[0];
  if (stats === undefined) throw new Error(`no statistics for ${model}`);
  return stats;
}

export function engineBreakdown(before: ModelStatistics, after: ModelStatistics): EngineBreakdown {
  const d = (pick: (s: ModelStatistics) => number): number => pick(after) - pick(before);
  const requests = d((s) => s.inference_stats.success.count);
  const perRequestUs = (pick: (s: ModelStatistics) => number): number => (requests === 0 ? Number.NaN : d(pick) / requests / 1000);
  const engineUs = perRequestUs((s) => s.inference_stats.success.ns);
  const queueUs = perRequestUs((s) => s.inference_stats.queue.ns);
  const batchAssemblyUs = perRequestUs((s) => s.inference_stats.compute_input.ns + s.inference_stats.compute_output.ns);
  const computeInferUs = perRequestUs((s) => s.inference_stats.compute_infer.ns);
  const executions = d((s) => s.execution_count);
  return {
    requests,
    meanBatchRows: executions === 0 ? Number.NaN : d((s) => s.inference_count) / executions,
    engineUs,
    queueUs,
    batchAssemblyUs,
    computeInferUs,
    workerRoundTripUs: engineUs - queueUs - batchAssemblyUs - computeInferUs,
  };
}
