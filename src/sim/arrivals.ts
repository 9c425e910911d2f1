// Arrival-time generators for each ArrivalProcess kind, drawing from one seeded uniform source per stream.

import type { ArrivalProcess } from './workload.js';
import { type UniformSource, exponential } from './random-variates.js';

/** Yields ascending absolute arrival times, ms; Infinity once the stream is done. */
export interface ArrivalGenerator {
  next(): number;
}

const MS_PER_S = 1000;

/** Arrivals of `process` in [startMs, endMs). */
export function createArrivals(process: ArrivalProcess, rng: UniformSource, startMs: number, endMs: number): ArrivalGenerator {
  const within = (t: number): number => (t < endMs ? t : Infinity);
  switch (process.kind) {
    case 'poisson': {
      const meanGapMs = MS_PER_S / process.ratePerS;
      let t = startMs;
      return { next: () => within((t += exponential(rng, meanGapMs))) };
    }
    case 'deterministic': {
      const gapMs = MS_PER_S / process.ratePerS;
      let k = 0;
      // k·gap rather than repeated addition, so long runs do not drift.
      return { next: () => within(startMs + ++k * gapMs) };
    }
    case 'mmpp':
      return mmpp(process.ratesPerS, process.meanDwellMs, rng, startMs, within);
    case 'diurnal':
      return diurnal(process, rng, startMs, within);
    case 'replay': {
      let i = 0;
      const times = process.timesMs;
      return { next: () => (i < times.length ? within(startMs + (times[i++] as number)) : Infinity) };
    }
  }
}

function mmpp(
  ratesPerS: readonly [number, number],
  meanDwellMs: readonly [number, number],
  rng: UniformSource,
  startMs: number,
  within: (t: number) => number,
): ArrivalGenerator {
  let state = 0;
  let t = startMs;
  let switchAtMs = startMs + exponential(rng, meanDwellMs[0]);
  return {
    next(): number {
      // Both the arrival clock and the state clock are memoryless, so a candidate past the switch is simply redrawn.
      for (;;) {
        const rate = ratesPerS[state] as number;
        const candidate = rate > 0 ? t + exponential(rng, MS_PER_S / rate) : Infinity;
        if (candidate < switchAtMs) return within((t = candidate));
        t = switchAtMs;
        state ^= 1;
        switchAtMs = t + exponential(rng, meanDwellMs[state] as number);
      }
    },
  };
}

function diurnal(
  p: Extract<ArrivalProcess, { kind: 'diurnal' }>,
  rng: UniformSource,
  startMs: number,
  within: (t: number) => number,
): ArrivalGenerator {
  const { minRatePerS, maxRatePerS, periodMs } = p;
  const phaseMs = p.phaseMs ?? 0;
  const meanGapMs = MS_PER_S / maxRatePerS;
  let t = startMs;
  return {
    // Thinning (Lewis–Shedler): candidates at the peak rate, each kept with probability rate(t) / peak.
    next(): number {
      for (;;) {
        t += exponential(rng, meanGapMs);
        const rate = minRatePerS + ((maxRatePerS - minRatePerS) * (1 - Math.cos((2 * Math.PI * (t - phaseMs)) / periodMs))) / 2;
        if (rng.nextFloat() * maxRatePerS < rate) return within(t);
      }
    },
  };
}
