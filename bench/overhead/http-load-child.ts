// Load generator child: autocannon (closed loop, N keep-alive connections) against one OIP REST infer URL.

import autocannon from 'autocannon';
import { childTaskEntry, ownCpuUs } from '../lib/child-task-entry.js';
import { LatencyHistogram } from '../lib/latency-histogram.js';
import type { LoadResult, MeasureWindow } from '../lib/load-result.js';
import { type BenchModelName, benchInputs } from './bench-models.js';
import { oipBinaryBody, oipJsonBody } from './oip-bodies.js';

export interface HttpLoadConfig extends MeasureWindow {
  readonly url: string;
  readonly model: BenchModelName;
  readonly encoding: 'json' | 'binary';
  readonly connections: number;
}

/** A request slower than this counts as failed, s. */
const REQUEST_TIMEOUT_S = 30;

childTaskEntry<HttpLoadConfig, LoadResult>(async (c, ctx) => {
  const inputs = benchInputs(c.model);
  const { body, headers } = c.encoding === 'json' ? oipJsonBody(inputs) : oipBinaryBody(inputs);
  const hist = new LatencyHistogram();
  let failed = 0;
  let firstError: string | undefined;
  const startMs = performance.now();
  const measureFromMs = startMs + c.warmupMs;
  let cpuAtStartUs = ownCpuUs();
  // Tell the parent when the window opens, so it can sample the server's CPU time over the same span.
  setTimeout(() => {
    cpuAtStartUs = ownCpuUs();
    ctx.ready(null);
  }, c.warmupMs);
  // One run covers warm-up and window, so connections stay open; warm-up samples are dropped by time.
  await new Promise<void>((resolve, reject) => {
    const instance = autocannon(
      { url: c.url, method: 'POST', headers, body, connections: c.connections, pipelining: 1, duration: (c.warmupMs + c.durationMs) / 1000, timeout: REQUEST_TIMEOUT_S },
      (err) => (err === null ? resolve() : reject(err)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
      if (performance.now() < measureFromMs) return;
      if (statusCode >= 200 && statusCode < 300) hist.record(responseTimeMs * 1000);
      else {
        failed += 1;
        firstError ??= `HTTP ${statusCode}`;
      }
    });
    instance.on('reqError', (e) => {
      if (performance.now() < measureFromMs) return;
      failed += 1;
      firstError ??= e instanceof Error ? e.message : String(e);
    });
  });
  return {
    completed: hist.count,
    failed,
    elapsedS: (performance.now() - measureFromMs) / 1000,
    latency: hist.toJSON(),
    cpuUs: ownCpuUs() - cpuAtStartUs,
    ...(firstError === undefined ? {} : { firstError }),
  };
});
