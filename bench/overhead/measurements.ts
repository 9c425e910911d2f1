// One benchmark case and its result, in the shape written to bench/results/overhead.json.

import type { LatencySummary } from '../lib/latency-histogram.js';
import type { BenchModelName } from './bench-models.js';
import type { EngineBreakdown } from './tessera-stats.js';

/** raw: bare onnxruntime loop; naive: fastify + session.run; tessera: the zoo as configured; -no-delay: delay 0. */
export type ServerKind = 'raw' | 'naive' | 'tessera' | 'tessera-no-delay';
export type Protocol = 'ort' | 'http-json' | 'http-binary' | 'grpc';

export interface CaseResult {
  readonly server: ServerKind;
  readonly model: BenchModelName;
  readonly protocol: Protocol;
  /** Outstanding requests (closed loop); for raw, the number of looping processes. */
  readonly concurrency: number;
  /** raw only: processes × intra-op threads, e.g. "2x1". */
  readonly layout?: string;
  readonly throughputPerS: number;
  readonly completed: number;
  readonly failed: number;
  readonly firstError?: string;
  readonly latency: LatencySummary;
  /** Tessera only: per-request time inside the engine (statistics extension). */
  readonly engine?: EngineBreakdown;
  /** 1-minute load average when the case ended: other work on the machine makes numbers noisy. */
  readonly loadAverage1m?: number;
}
