// How fast this machine runs a fixed piece of work now, to tell a VM that slowed during a run from a policy's effect.

import { performance } from 'node:perf_hooks';

/** Iterations of the probe loop: about 0.3 s on the 2-core CI VM. */
const PROBE_ITERATIONS = 1e8;

/**
 * Milliseconds one core takes for a fixed integer loop. Run while the server is idle (after a point has drained): on a
 * shared VM the host can give it less CPU than at calibration, and every point run then would look worse.
 */
export function speedProbeMs(iterations = PROBE_ITERATIONS): number {
  const start = performance.now();
  let x = 0;
  for (let i = 0; i < iterations; i++) x = (x + i * 7) % 1_000_003;
  const ms = performance.now() - start;
  // The result feeds the return so the loop cannot be optimised away.
  return x < 0 ? Number.NaN : ms;
}

/**
 * The VM's speed at a point relative to calibration (1 = as fast; 0.5 = half as fast), from the two probes; null when
 * either probe is missing or not positive.
 */
export function speedVsCalibration(calibrationProbeMs: number | undefined, pointProbeMs: number | undefined): number | null {
  if (calibrationProbeMs === undefined || pointProbeMs === undefined) return null;
  if (!(calibrationProbeMs > 0) || !(pointProbeMs > 0) || !Number.isFinite(calibrationProbeMs) || !Number.isFinite(pointProbeMs)) return null;
  return Number((calibrationProbeMs / pointProbeMs).toFixed(3));
}
