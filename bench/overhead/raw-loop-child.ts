// Baseline child: onnxruntime-node session.run back to back in a bare loop, no server (the throughput limit).

import { InferenceSession, Tensor } from 'onnxruntime-node';
import { childTaskEntry, ownCpuUs } from '../lib/child-task-entry.js';
import { LatencyHistogram } from '../lib/latency-histogram.js';
import type { LoadResult, MeasureWindow } from '../lib/load-result.js';
import { type BenchModelName, benchInputs } from './bench-models.js';

export interface RawLoopConfig extends MeasureWindow {
  readonly modelPath: string;
  readonly model: BenchModelName;
  readonly intraOpThreads: number;
}

childTaskEntry<RawLoopConfig, LoadResult>(async (c, ctx) => {
  // Same session options as Tessera's workers (src/executor/ort-session-store.ts).
  const session = await InferenceSession.create(c.modelPath, {
    intraOpNumThreads: c.intraOpThreads,
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
  });
  const feeds: Record<string, Tensor> = {};
  for (const t of benchInputs(c.model)) feeds[t.name] = new Tensor('float32', t.data, t.shape);
  await session.run(feeds);
  ctx.ready(process.pid);
  await ctx.waitFor('go'); // sibling processes start together

  const hist = new LatencyHistogram();
  const startMs = performance.now();
  const measureFromMs = startMs + c.warmupMs;
  const endMs = measureFromMs + c.durationMs;
  let now = startMs;
  let cpuAtStartUs: number | undefined;
  while (now < endMs) {
    if (cpuAtStartUs === undefined && now >= measureFromMs) cpuAtStartUs = ownCpuUs();
    const t0 = performance.now();
    await session.run(feeds);
    now = performance.now();
    if (t0 >= measureFromMs) hist.record((now - t0) * 1000);
  }
  const cpuUs = ownCpuUs() - (cpuAtStartUs ?? 0);
  await session.release();
  return { completed: hist.count, failed: 0, elapsedS: (now - measureFromMs) / 1000, latency: hist.toJSON(), cpuUs };
});
