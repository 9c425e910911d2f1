// What every measured load (raw loop, HTTP or gRPC generator) reports back to the orchestrator.

import type { LatencyHistogramJson } from './latency-histogram.js';

export interface MeasureWindow {
  /** Load runs this long first and its samples are dropped (JIT, caches, connection set-up), ms. */
  readonly warmupMs: number;
  /** Samples count only in this window after the warm-up, ms. */
  readonly durationMs: number;
}

export interface LoadResult {
  /** Successful requests (or runs) completed inside the window. */
  readonly completed: number;
  /** Failed requests (transport errors, non-2xx, gRPC errors) inside the window. */
  readonly failed: number;
  readonly elapsedS: number;
  /** Latency of each successful request as the client saw it, µs. */
  readonly latency: LatencyHistogramJson;
  /** CPU time (user + system) the measuring process itself used inside the window, µs. */
  readonly cpuUs: number;
  /** First failure message, to tell a broken set-up from a slow one. */
  readonly firstError?: string;
}
