// Raw baseline: P processes × T intra-op threads each running session.run back to back, started together.

import { forkChildTask } from '../lib/child-task.js';
import { LatencyHistogram } from '../lib/latency-histogram.js';
import type { LoadResult, MeasureWindow } from '../lib/load-result.js';
import type { BenchModelName } from './bench-models.js';
import type { CaseResult } from './measurements.js';
import type { RawLoopConfig } from './raw-loop-child.js';

const RAW_LOOP_CHILD = new URL('./raw-loop-child.js', import.meta.url);

export async function measureRaw(
  model: BenchModelName,
  modelPath: string,
  processes: number,
  intraOpThreads: number,
  window: MeasureWindow,
): Promise<CaseResult> {
  const config: RawLoopConfig = { modelPath, model, intraOpThreads, ...window };
  const children = Array.from({ length: processes }, (_, i) => forkChildTask<number, LoadResult>(RAW_LOOP_CHILD, config, `raw loop ${i}`));
  try {
    await Promise.all(children.map((c) => c.ready));
    for (const c of children) c.send({ kind: 'go' });
    const results = await Promise.all(children.map((c) => c.result));
    const latency = new LatencyHistogram();
    for (const r of results) latency.merge(LatencyHistogram.fromJSON(r.latency));
    return {
      server: 'raw',
      model,
      protocol: 'ort',
      concurrency: processes,
      layout: `${processes}x${intraOpThreads}`,
      // Each process has its own window; their rates add up.
      throughputPerS: results.reduce((sum, r) => sum + r.completed / r.elapsedS, 0),
      completed: latency.count,
      failed: 0,
      cpuUsPerRequest: { server: results.reduce((sum, r) => sum + r.cpuUs, 0) / Math.max(1, latency.count) },
      latency: latency.summary(),
    };
  } finally {
    for (const c of children) c.kill();
  }
}
