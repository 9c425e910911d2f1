// One benchmark case and its result, in the shape written to bench/results/overhead.json.

import type { LatencySummary } from '../lib/latency-histogram.js';
import type { BenchModelName } from './bench-models.js';
import type { EngineBreakdown } from './tessera-stats.js';

/** raw: bare onnxruntime loop; naive: fastify + session.run; tessera: `tessera serve` with the zoo. */
export type ServerKind = 'raw' | 'naive' | 'tessera';
export type Protocol = 'ort' | 'http-json' | 'http-binary' | 'grpc';

export interface CpuPerRequest {
  /** The server process (Tessera's front end, the naive server) or, for raw, the looping processes. */
  readonly server: number;
  /** Tessera's worker processes together. */
  readonly workers?: number;
  readonly loadGenerator?: number;
}

export interface CaseResult {
  readonly server: ServerKind;
  readonly model: BenchModelName;
  readonly protocol: Protocol;
  /** Outstanding requests (closed loop); for raw, the number of looping processes. */
  readonly concurrency: number;
  /** raw only: processes × intra-op threads, e.g. "2x1". */
  readonly layout?: string;
  /** Servers: onnxruntime intra-op threads one request runs on (picks the raw reference at concurrency 1). */
  readonly intraOpThreads?: number;
  readonly throughputPerS: number;
  readonly completed: number;
  readonly failed: number;
  readonly firstError?: string;
  readonly latency: LatencySummary;
  /** Tessera only: per-request time inside the engine (statistics extension). */
  readonly engine?: EngineBreakdown;
  /** CPU time per successful request (raw: per run) over the window, µs, by process role. */
  readonly cpuUsPerRequest?: CpuPerRequest;
  /** Tessera only: VmHWM of the front end and of each worker after this case (peaks are cumulative). */
  readonly frontEndPeakRssBytes?: number;
  readonly workerPeakRssBytes?: readonly number[];
  /** 1-minute load average when the case ended: other work on the machine makes numbers noisy. */
  readonly loadAverage1m?: number;
  /** Which repetition of the whole matrix (0-based). */
  readonly repeat?: number;
}
