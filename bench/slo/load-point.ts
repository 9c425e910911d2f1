// Drives one load point: every app at its share of a total Poisson rate, with a warm-up whose requests do not count.

import { type LoadReport, type LoadSpec, runLoad } from '../../src/loadgen/index.js';
import type { SloApp } from './slo-apps.js';

export interface PointWindow {
  /** Leading seconds sent but not counted (queues and the cost estimators settle). */
  readonly warmupS: number;
  /** Seconds counted after the warm-up. */
  readonly measureS: number;
}

/**
 * A request unanswered after this long has missed every SLO of the experiment many times over; the client gives up
 * (counted as a `timeout` error) so an overloaded baseline cannot stretch a point without bound.
 */
const REQUEST_TIMEOUT_MS = 2_000;

export function pointSpec(url: string, apps: readonly SloApp[], totalRatePerS: number, window: PointWindow, seed: number): LoadSpec {
  return {
    url,
    protocol: 'http',
    durationS: window.warmupS + window.measureS,
    warmupS: window.warmupS,
    seed,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    apps: apps.map((a) => ({
      name: a.name,
      target: { kind: 'app', name: a.name },
      arrival: { kind: 'poisson', ratePerS: a.share * totalRatePerS },
      sloMs: a.sloMs,
      shapeModel: a.shapeModel,
    })),
  };
}

export function runPoint(url: string, apps: readonly SloApp[], totalRatePerS: number, window: PointWindow, seed: number): Promise<LoadReport> {
  return runLoad(pointSpec(url, apps, totalRatePerS, window, seed));
}
