// What the perfmodel load children are told and what they report back (plain JSON over IPC).

import type { LatencyHistogramJson } from '../lib/latency-histogram.js';
import type { MeasureWindow } from '../lib/load-result.js';

export interface PoissonStreamSpec {
  readonly model: string;
  readonly ratePerS: number;
}

export interface PoissonLoadConfig extends MeasureWindow {
  readonly port: number;
  readonly streams: readonly PoissonStreamSpec[];
  /** Requests outstanding at once; an arrival that finds this many is counted as skipped, never delayed. */
  readonly maxInFlight: number;
  readonly seed: number;
}

export interface SequentialProbeConfig {
  readonly port: number;
  readonly models: readonly string[];
  /** Requests per model after the warm-up ones. */
  readonly requests: number;
  readonly warmupRequests: number;
  /** Mean of the exponential pause between one answer and the next request, ms. */
  readonly meanThinkMs: number;
  readonly seed: number;
}

/** Closed loop on one model: `concurrency` requests always outstanding (saturation calibration). */
export interface SaturationConfig extends MeasureWindow {
  readonly port: number;
  readonly model: string;
  readonly concurrency: number;
}

export interface StreamResult {
  readonly model: string;
  /** Measured requests sent (sent inside the window). */
  readonly sent: number;
  readonly completed: number;
  readonly failed: number;
  /** Arrivals inside the window not sent because maxInFlight requests were outstanding. */
  readonly skipped: number;
  /** Client latency (send to last byte of the answer) of completed measured requests, µs. */
  readonly latency: LatencyHistogramJson;
  /** How late the generator's timer sent requests against their Poisson arrival time: mean and largest, ms. */
  readonly meanLatenessMs: number;
  readonly maxLatenessMs: number;
  readonly firstError?: string;
  /** Every measured latency, µs (only the sequential probe sends them: few requests, exact moments). */
  readonly samplesUs?: readonly number[];
}

export interface LoadChildResult {
  readonly streams: readonly StreamResult[];
  /** Length of the measured window, s. */
  readonly elapsedS: number;
  /** CPU time (user + system) of the load child over the window, µs. */
  readonly cpuUs: number;
}
