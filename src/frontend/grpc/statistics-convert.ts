// Core ModelStatistics → the Triton statistics extension's ModelStatistics message (counts and ns as uint64).

import type { DurationStat, ModelStatistics } from '../../core/inference.js';
import type { WireStatisticDuration } from './wire-types.js';

export interface WireModelStatistics {
  readonly name: string;
  readonly version: string;
  readonly last_inference: number;
  readonly inference_count: number;
  readonly execution_count: number;
  readonly inference_stats: Readonly<Record<string, WireStatisticDuration>>;
  readonly batch_stats: readonly {
    readonly batch_size: number;
    readonly compute_input: WireStatisticDuration;
    readonly compute_infer: WireStatisticDuration;
    readonly compute_output: WireStatisticDuration;
  }[];
}

export function statisticsToWire(stats: ModelStatistics): WireModelStatistics {
  const s = stats.inference_stats;
  return {
    name: stats.name,
    version: stats.version,
    last_inference: uint64(stats.last_inference),
    inference_count: uint64(stats.inference_count),
    execution_count: uint64(stats.execution_count),
    inference_stats: {
      success: duration(s.success),
      fail: duration(s.fail),
      queue: duration(s.queue),
      compute_input: duration(s.compute_input),
      compute_infer: duration(s.compute_infer),
      compute_output: duration(s.compute_output),
    },
    batch_stats: stats.batch_stats.map((b) => ({
      batch_size: uint64(b.batch_size),
      compute_input: duration(b.compute_input),
      compute_infer: duration(b.compute_infer),
      compute_output: duration(b.compute_output),
    })),
  };
}

function duration(d: DurationStat): WireStatisticDuration {
  return { count: uint64(d.count), ns: uint64(d.ns) };
}

/** uint64 fields take whole non-negative numbers; fractional or invalid values would encode as garbage. */
function uint64(n: number): number {
  return Number.isFinite(n) && n > 0 ? Math.trunc(n) : 0;
}
