// Predicted completion and resource cost of sending one request to a candidate, and the 'chosen' decision builder.

import type { RouteDecision, VariantCandidate } from './variant-router.js';

/**
 * Predicted completion from now, ms:
 *   (loaded ? 0 : loadMs) + waitMs + predictBatchMs(rows)
 * i.e. cold start, then the wait for one of the variant's executors, then the request's own batch.
 * Undefined when the variant has no profile (its compute time is unknown).
 */
export function completionMs(c: VariantCandidate, rows: number): number | undefined {
  if (c.predictBatchMs === undefined) return undefined;
  return waitBeforeComputeMs(c) + c.predictBatchMs(rows);
}

/** The part of the completion that needs no profile: cold start plus the wait for an executor, ms. */
export function waitBeforeComputeMs(c: VariantCandidate): number {
  return (c.loaded ? 0 : c.loadMs) + Math.max(0, c.waitMs);
}

/** Resource cost of the request, core-ms: compute time of its batch × cores the executor uses. */
export function costCoreMs(c: VariantCandidate, rows: number): number | undefined {
  if (c.predictBatchMs === undefined) return undefined;
  return c.predictBatchMs(rows) * Math.max(1, c.cores);
}

export function chosenDecision(c: VariantCandidate, predictedMs: number, meetsSlo: boolean, reason: string): RouteDecision {
  return {
    kind: 'chosen',
    model: c.model,
    version: c.version,
    predictedMs,
    meetsSlo,
    needsLoad: !c.loaded,
    reason,
  };
}

/** Milliseconds for a reason string: integers as they are, others to 2 decimals. */
export function formatMs(ms: number): string {
  return Number.isInteger(ms) ? String(ms) : ms.toFixed(2);
}
