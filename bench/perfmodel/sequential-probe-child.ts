// Probe child: one request at a time per model with random pauses between them, so nothing ever queues; the mean
// client latency minus the profiled service time is the server's fixed per-request overhead.

import { setTimeout as sleep } from 'node:timers/promises';
import { SeededRandom, hashString } from '../../src/onnx/seeded-random.js';
import { childTaskEntry, ownCpuUs } from '../lib/child-task-entry.js';
import { LatencyHistogram } from '../lib/latency-histogram.js';
import { InferClient } from './infer-client.js';
import type { LoadChildResult, SequentialProbeConfig, StreamResult } from './load-types.js';

childTaskEntry<SequentialProbeConfig, LoadChildResult>(async (c, ctx) => {
  const client = new InferClient(c.port, 1);
  const rng = new SeededRandom(hashString(`probe/${c.seed}`));
  const startMs = performance.now();
  const cpuAtStartUs = ownCpuUs();
  ctx.ready(null);
  const streams: StreamResult[] = [];
  for (const model of c.models) {
    const body = await client.bodyFor(model);
    const hist = new LatencyHistogram();
    const samplesUs: number[] = [];
    let failed = 0;
    let firstError: string | undefined;
    for (let i = 0; i < c.warmupRequests + c.requests; i++) {
      await sleep(-Math.log(1 - rng.nextFloat()) * c.meanThinkMs);
      const sentMs = performance.now();
      const outcome = await client.infer(model, body);
      if (i < c.warmupRequests) continue;
      if (outcome.ok) {
        const us = (performance.now() - sentMs) * 1000;
        hist.record(us);
        samplesUs.push(us);
      } else {
        failed += 1;
        firstError ??= outcome.error;
      }
    }
    streams.push({
      model,
      sent: c.requests,
      completed: hist.count,
      failed,
      skipped: 0,
      latency: hist.toJSON(),
      meanLatenessMs: 0,
      maxLatenessMs: 0,
      samplesUs,
      ...(firstError === undefined ? {} : { firstError }),
    });
  }
  client.close();
  return { streams, elapsedS: (performance.now() - startMs) / 1000, cpuUs: ownCpuUs() - cpuAtStartUs };
});
