// Which candidates may answer a request at all (accuracy floor, batch size), and the 'none' decision when none may.

import type { RouteDecision, RouteRequest, VariantCandidate } from './variant-router.js';

/** Declared accuracy; a model that declares none counts as 0 (it never passes a floor above 0). */
export function accuracyOf(c: VariantCandidate): number {
  return c.accuracy ?? 0;
}

/** Rows in the request, at least 1. */
export function requestRows(request: RouteRequest): number {
  return Math.max(1, request.rows);
}

/** Whether the variant accepts `rows` rows in one request (a model that does not batch takes 1). */
export function acceptsRows(c: VariantCandidate, rows: number): boolean {
  return rows <= Math.max(1, c.maxBatchSize);
}

/** Candidates that meet the accuracy floor and accept the request's rows, in their given order. */
export function eligibleCandidates(request: RouteRequest, candidates: readonly VariantCandidate[]): VariantCandidate[] {
  const rows = requestRows(request);
  return candidates.filter((c) => accuracyOf(c) >= request.minAccuracy && acceptsRows(c, rows));
}

/** The 'none' decision, naming the best accuracy on offer so the caller can tell the user what would work. */
export function noEligibleDecision(request: RouteRequest, candidates: readonly VariantCandidate[]): RouteDecision {
  if (candidates.length === 0) return { kind: 'none', reason: `no variant serves task '${request.task}'` };
  const rows = requestRows(request);
  const best = candidates.reduce((a, b) => (accuracyOf(b) > accuracyOf(a) || (accuracyOf(b) === accuracyOf(a) && compareNames(b, a) < 0) ? b : a));
  const accurate = candidates.filter((c) => accuracyOf(c) >= request.minAccuracy);
  if (accurate.length > 0) {
    const maxRows = Math.max(...accurate.map((c) => Math.max(1, c.maxBatchSize)));
    return { kind: 'none', reason: `no variant of task '${request.task}' meeting accuracy >= ${request.minAccuracy} accepts ${rows} rows (largest batch: ${maxRows})` };
  }
  return {
    kind: 'none',
    reason: `no variant of task '${request.task}' meets accuracy >= ${request.minAccuracy}; best available is ${accuracyOf(best)} (${best.model}@${best.version})`,
  };
}

/** Total order on identity (model, then version) so every tie breaks the same way whatever the candidates' order. */
export function compareNames(a: VariantCandidate, b: VariantCandidate): number {
  if (a.model !== b.model) return a.model < b.model ? -1 : 1;
  if (a.version !== b.version) return a.version < b.version ? -1 : 1;
  return 0;
}
