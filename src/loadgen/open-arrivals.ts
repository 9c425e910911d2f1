// Arrival times for an open-loop app: the simulator's generators, plus a linear (triangle-wave) diurnal ramp.

import { type ArrivalGenerator, createArrivals } from '../sim/arrivals.js';
import { type UniformSource, exponential } from '../sim/random-variates.js';
import type { OpenArrival } from './load-spec.js';

const MS_PER_S = 1000;

/** Ascending arrival times in [startMs, endMs), then Infinity. */
export function openArrivals(arrival: OpenArrival, rng: UniformSource, startMs: number, endMs: number): ArrivalGenerator {
  if (arrival.kind === 'diurnal' && arrival.shape === 'linear') return linearRamp(arrival, rng, startMs, endMs);
  return createArrivals(arrival, rng, startMs, endMs);
}

/** Rate of a triangle wave: minRatePerS at phaseMs, rising linearly to maxRatePerS half a period later, then back. */
export function linearRampRatePerS(p: { minRatePerS: number; maxRatePerS: number; periodMs: number; phaseMs?: number }, tMs: number): number {
  const x = ((((tMs - (p.phaseMs ?? 0)) / p.periodMs) % 1) + 1) % 1;
  return p.minRatePerS + (p.maxRatePerS - p.minRatePerS) * (1 - Math.abs(2 * x - 1));
}

function linearRamp(
  p: Extract<OpenArrival, { kind: 'diurnal' }>,
  rng: UniformSource,
  startMs: number,
  endMs: number,
): ArrivalGenerator {
  const meanGapMs = MS_PER_S / p.maxRatePerS;
  let t = startMs;
  return {
    // Thinning, as the simulator's sine ramp does: candidates at the peak rate, each kept with probability rate(t)/peak.
    next(): number {
      for (;;) {
        t += exponential(rng, meanGapMs);
        if (t >= endMs) return Infinity;
        if (rng.nextFloat() * p.maxRatePerS < linearRampRatePerS(p, t - startMs)) return t;
      }
    },
  };
}
