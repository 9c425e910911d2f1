// Latency versus cores (vertical scaling and placement): latency at c cores and the cores a latency or load target needs.

import type { LatencyCurve } from './types.js';

/** Allocations are whole tenths of a core (cgroup quota / Kubernetes millicores rounded to 100m). */
const STEPS_PER_CORE = 10;
/** Granularity of CPU allocations, cores. */
export const CORE_STEP = 1 / STEPS_PER_CORE;
/** Slack so that values like 0.30000000000000004 cores do not round up to 0.4. */
const ROUNDING_SLACK = 1e-9;

function clampedSerialFraction(curve: LatencyCurve): number {
  return Math.min(1, Math.max(0, curve.serialFraction));
}

/**
 * Latency of one run of `batchSize` rows on `cores` cores, ms.
 * At ≥ 1 core: the profiler's Amdahl fit, (fixedMs + perItemMs·b)·(s + (1 − s)/c) (same as `predictLatencyMs`).
 * Below 1 core the process gets a CPU quota of c of one core, so one-core latency stretches by 1/c
 * (the profiler's function clamps c to 1 instead; it never measures below one thread).
 */
export function batchLatencyMs(curve: LatencyCurve, batchSize: number, cores: number): number {
  const oneCoreMs = Math.max(0, curve.fixedMs + curve.perItemMs * batchSize);
  if (cores < 1) return oneCoreMs / Math.max(cores, Number.MIN_VALUE);
  const s = clampedSerialFraction(curve);
  return oneCoreMs * (s + (1 - s) / cores);
}

/** Rounds a core count up to the allocation step (never below one step). */
export function roundUpCores(cores: number): number {
  return Math.max(1, Math.ceil(cores * STEPS_PER_CORE - ROUNDING_SLACK)) / STEPS_PER_CORE;
}

/** Fewest cores (multiple of 0.1) with latency(batchSize, cores) ≤ target; null when Amdahl's serial part makes it unreachable. */
export function coresForLatency(curve: LatencyCurve, batchSize: number, targetLatencyMs: number): number | null {
  const oneCoreMs = batchLatencyMs(curve, batchSize, 1);
  if (oneCoreMs <= 0) return CORE_STEP;
  if (!(targetLatencyMs > 0)) return null;
  let cores: number;
  if (oneCoreMs <= targetLatencyMs) {
    cores = oneCoreMs / targetLatencyMs;
  } else {
    const s = clampedSerialFraction(curve);
    const headroom = targetLatencyMs / oneCoreMs - s;
    if (headroom <= 0) return null;
    cores = (1 - s) / headroom;
  }
  const rounded = roundUpCores(cores);
  // Guard the rounding against floating-point error in the inversion.
  return batchLatencyMs(curve, batchSize, rounded) <= targetLatencyMs * (1 + ROUNDING_SLACK) ? rounded : roundUpCores(rounded + CORE_STEP);
}

/**
 * Fewest cores so that serving `arrivalRatePerS` requests in batches of `batchSize` keeps the executor's
 * utilisation λ · latency(b, c) / b at or below `targetUtilization`; null when unreachable.
 */
export function coresForUtilization(curve: LatencyCurve, arrivalRatePerS: number, targetUtilization: number, batchSize = 1): number | null {
  if (arrivalRatePerS <= 0) return CORE_STEP;
  if (!(targetUtilization > 0)) return null;
  // λ·L/b ≤ u  ⇔  L ≤ u·b/λ (ms, with λ per ms).
  return coresForLatency(curve, batchSize, (targetUtilization * batchSize * 1000) / arrivalRatePerS);
}

/**
 * Fewest cores on the 0.1 grid in [CORE_STEP, maxCores] for which `meets(cores)` holds, by binary search;
 * `meets` must be monotone (once true, true for more cores) — e.g. "the predicted p99 is within the SLO".
 * Null when even `maxCores` does not meet it.
 */
export function minCoresMeeting(meets: (cores: number) => boolean, maxCores: number): number | null {
  const steps = Math.floor(maxCores * STEPS_PER_CORE + ROUNDING_SLACK);
  const coresAt = (step: number): number => step / STEPS_PER_CORE;
  if (steps < 1 || !meets(coresAt(steps))) return null;
  let lo = 0; // exclusive: 0 cores never meets
  let hi = steps;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (meets(coresAt(mid))) hi = mid;
    else lo = mid;
  }
  return coresAt(hi);
}
