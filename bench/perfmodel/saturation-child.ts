// Saturation child: a closed loop that keeps `concurrency` requests of one model outstanding, so the server is
// always backlogged; reports the completions (the server's throughput for that model alone) and client latency.

import { childTaskEntry, ownCpuUs } from '../lib/child-task-entry.js';
import { LatencyHistogram } from '../lib/latency-histogram.js';
import { InferClient } from './infer-client.js';
import type { LoadChildResult, SaturationConfig } from './load-types.js';

childTaskEntry<SaturationConfig, LoadChildResult>(async (c, ctx) => {
  const client = new InferClient(c.port, c.concurrency);
  const body = await client.bodyFor(c.model);
  const startMs = performance.now();
  const windowFromMs = startMs + c.warmupMs;
  const windowToMs = windowFromMs + c.durationMs;
  const hist = new LatencyHistogram();
  let sent = 0;
  let failed = 0;
  let firstError: string | undefined;
  let cpuAtWindowUs = ownCpuUs();
  setTimeout(() => {
    cpuAtWindowUs = ownCpuUs();
    ctx.ready(null);
  }, c.warmupMs);
  // Each loop sends its next request the moment its previous one is answered; answers inside the window count, so
  // the throughput is completions over the window.
  const loop = async (): Promise<void> => {
    while (performance.now() < windowToMs) {
      const sentMs = performance.now();
      const outcome = await client.infer(c.model, body);
      const doneMs = performance.now();
      if (doneMs < windowFromMs || doneMs > windowToMs) continue;
      sent += 1;
      if (outcome.ok) hist.record((doneMs - sentMs) * 1000);
      else {
        failed += 1;
        firstError ??= outcome.error ?? 'failed';
      }
    }
  };
  await Promise.all(Array.from({ length: c.concurrency }, loop));
  const cpuUs = ownCpuUs() - cpuAtWindowUs;
  client.close();
  return {
    streams: [{ model: c.model, sent, completed: hist.count, failed, skipped: 0, latency: hist.toJSON(), meanLatenessMs: 0, maxLatenessMs: 0, ...(firstError === undefined ? {} : { firstError }) }],
    elapsedS: c.durationMs / 1000,
    cpuUs,
  };
});
