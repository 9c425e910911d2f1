// A pure-delay stage in series with the executor queue (front end, HTTP, worker round trip): adds its mean and
// variance to each model's predicted response and re-reads the percentiles.

import { ServingError } from '../core/errors.js';
import type { SharingPrediction } from './predictor.js';
import { stableLatency } from './response-time.js';
import type { StableClassLatency } from './types.js';

/** Time a request spends outside the queueing model, independent of load: mean (ms) and variance (ms²). */
export interface DelayStage {
  readonly meanMs: number;
  readonly varianceMs2: number;
}

export const NO_DELAY: DelayStage = { meanMs: 0, varianceMs2: 0 };

function checkDelay(name: string, d: DelayStage): void {
  if (!(Number.isFinite(d.meanMs) && d.meanMs >= 0 && Number.isFinite(d.varianceMs2) && d.varianceMs2 >= 0)) {
    throw new ServingError('INVALID_ARGUMENT', `perfmodel: delay of ${name} needs finite meanMs ≥ 0 and varianceMs2 ≥ 0 (got ${d.meanMs}, ${d.varianceMs2})`);
  }
}

/**
 * Response = queueing response + an independent delay: means and variances add; p95/p99 come from the two-moment
 * gamma of the sum (a shifted-gamma tail of the queueing part is not kept).
 */
export function withDelayStage(latency: StableClassLatency, delay: DelayStage): StableClassLatency {
  checkDelay('a class', delay);
  if (delay.meanMs === 0 && delay.varianceMs2 === 0) return latency;
  const meanMs = latency.meanMs + delay.meanMs;
  const variance = latency.responseScv * latency.meanMs * latency.meanMs + delay.varianceMs2;
  return stableLatency(meanMs, variance + meanMs * meanMs, latency.throughputPerS);
}

/** Adds each model's delay (by name; models without one are left as they are) to a sharing prediction. */
export function withDelayStages(prediction: SharingPrediction, delays: Readonly<Record<string, DelayStage>>): SharingPrediction {
  return {
    ...prediction,
    perModel: prediction.perModel.map((m) => {
      const d = delays[m.name];
      if (d === undefined) return m;
      checkDelay(m.name, d);
      return m.stable ? { ...withDelayStage(m, d), name: m.name } : m;
    }),
  };
}
