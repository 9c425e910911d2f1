// Measures the fixed per-request overhead of each model on the live server: requests one at a time (nothing
// queues), client latency minus the profiled batch-1 service time.

import { forkChildTask } from '../lib/child-task.js';
import { LatencyHistogram } from '../lib/latency-histogram.js';
import type { LoadChildResult, SequentialProbeConfig } from './load-types.js';
import type { ServerProcess } from './server-process.js';
import { fetchStats, windowStats } from './server-stats.js';

const PROBE_CHILD = new URL('./sequential-probe-child.js', import.meta.url);

export interface OverheadProbe {
  readonly model: string;
  readonly requests: number;
  /** Client latency with nothing queued, ms. */
  readonly clientMeanMs: number;
  readonly clientP95Ms: number;
  /** Variance of the client latency with nothing queued, ms². */
  readonly clientVarianceMs2: number;
  /** session.run time the worker measured for these requests, ms. */
  readonly serverComputeMs: number;
  /** Admission to answer inside the engine, ms. */
  readonly serverEngineMs: number;
  /** The profile's batch-1 mean service time, ms. */
  readonly profiledServiceMs: number;
  /** clientMeanMs − profiledServiceMs: what every prediction gets added, ms. */
  readonly overheadMs: number;
}

export interface ProbeOptions {
  readonly requests: number;
  readonly warmupRequests: number;
  readonly meanThinkMs: number;
  readonly seed: number;
}

export async function probeOverhead(
  server: ServerProcess,
  models: readonly string[],
  serviceMs: (model: string) => number,
  o: ProbeOptions,
): Promise<{ readonly probes: OverheadProbe[]; readonly childCpuUs: number }> {
  const before = await Promise.all(models.map((m) => fetchStats(server.httpPort, m)));
  const config: SequentialProbeConfig = { port: server.httpPort, models, ...o };
  const child = forkChildTask<null, LoadChildResult>(PROBE_CHILD, config, 'overhead probe');
  let result: LoadChildResult;
  try {
    result = await child.result;
  } finally {
    child.kill();
  }
  const after = await Promise.all(models.map((m) => fetchStats(server.httpPort, m)));
  const probes = result.streams.map((s, i) => {
    if (s.completed === 0) throw new Error(`overhead probe of ${s.model}: no request succeeded (${s.firstError ?? 'no error'})`);
    const h = LatencyHistogram.fromJSON(s.latency);
    const w = windowStats(before[i] as (typeof before)[number], after[i] as (typeof after)[number]);
    const clientMeanMs = h.summary().meanUs / 1000;
    const samplesMs = (s.samplesUs ?? []).map((us) => us / 1000);
    const clientVarianceMs2 = samplesMs.length < 2 ? 0 : samplesMs.reduce((a, x) => a + (x - clientMeanMs) ** 2, 0) / (samplesMs.length - 1);
    return {
      model: s.model,
      requests: s.completed,
      clientMeanMs,
      clientP95Ms: h.percentileUs(0.95) / 1000,
      clientVarianceMs2,
      serverComputeMs: w.meanComputeMs,
      serverEngineMs: w.meanEngineMs,
      profiledServiceMs: serviceMs(s.model),
      overheadMs: clientMeanMs - serviceMs(s.model),
    };
  });
  return { probes, childCpuUs: result.cpuUs };
}
