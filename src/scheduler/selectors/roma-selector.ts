// ROMA's dispatch heuristic (baseline): serve the flow whose estimated response time most exceeds its SLA margin.

import type { FlowSelector, FlowView } from '../flow-selector.js';
import { sortFlows } from './sort-flows.js';

export interface RomaSelectorOptions {
  /** SLA margin α: need counts from sloMs·(1 − α). Default 0.5, as in ROMA's experiments. */
  readonly alpha?: number;
  /** Weight of the observed avgResponseMs in the estimate, in [0, 1], when it is known (> 0). Default 0.5. */
  readonly observedWeight?: number;
}

export const ROMA_DEFAULT_ALPHA = 0.5;
export const ROMA_DEFAULT_OBSERVED_WEIGHT = 0.5;

/**
 * For each flow (ROMA's per-model queue):
 *
 *   estimateMs = (nowMs − headEnqueuedAtMs) + nextCostMs           waited + profiled execution of the head
 *   Â          = (1 − w)·estimateMs + w·avgResponseMs               blended when avgResponseMs > 0, else estimateMs
 *   need       = max(0, Â − sloMs·(1 − α))                          0 for a flow without an SLA (sloMs = Infinity)
 *
 * ROMA averages waited + execution over every waiting request; a FlowView only carries the oldest, so the head's
 * estimate stands in for the average (it overstates it, which favours the more backed-up queue a little sooner).
 *
 * Order: a partly executed job first (ROMA dispatches whole requests, non-preemptively), then the largest need,
 * then (ROMA's rule when all needs are 0) the longest queue, then oldest head request, then flow id.
 * Stateless: avgResponseMs comes in the view, so charge and forget do nothing.
 */
export class RomaSelector implements FlowSelector {
  readonly name = 'roma';
  private readonly alpha: number;
  private readonly observedWeight: number;

  constructor(options: RomaSelectorOptions = {}) {
    this.alpha = options.alpha ?? ROMA_DEFAULT_ALPHA;
    this.observedWeight = Math.min(1, Math.max(0, options.observedWeight ?? ROMA_DEFAULT_OBSERVED_WEIGHT));
  }

  /** ROMA's need of one flow at `nowMs`, ms. */
  needMs(f: FlowView, nowMs: number): number {
    const estimateMs = Math.max(0, nowMs - f.headEnqueuedAtMs) + f.nextCostMs;
    const w = f.avgResponseMs > 0 ? this.observedWeight : 0;
    const avgMs = (1 - w) * estimateMs + w * f.avgResponseMs;
    const need = avgMs - f.sloMs * (1 - this.alpha);
    return need > 0 ? need : 0;
  }

  order(flows: readonly FlowView[], nowMs: number): string[] {
    return sortFlows(flows, (f) => [
      f.inProgress ? 0 : 1,
      -this.needMs(f, nowMs),
      -f.queuedRequests,
      f.headEnqueuedAtMs,
    ]);
  }

  charge(_flow: FlowView, _costMs: number, _nowMs: number): void {}

  forget(_flow: string): void {}
}
