// Baseline router that always picks the most accurate variant meeting the floor: a user hard-coding "the best model".

import { accuracyOf, compareNames, eligibleCandidates, noEligibleDecision, requestRows } from './candidate-filter.js';
import { chosenDecision, completionMs, waitBeforeComputeMs } from './route-estimate.js';
import type { RouteDecision, RouteRequest, VariantCandidate, VariantRouter } from './variant-router.js';

/**
 * Highest accuracy wins, whatever its latency or load. Ties (same accuracy): loaded first, then by name.
 * predictedMs is Tessera's completion estimate, reported so the caller can still apply admission control;
 * a variant without a profile reports the cold start + wait for an executor as a lower bound and meetsSlo=false.
 */
export class FixedRouter implements VariantRouter {
  readonly name = 'fixed';

  route(request: RouteRequest, candidates: readonly VariantCandidate[]): RouteDecision {
    const eligible = eligibleCandidates(request, candidates);
    let best: VariantCandidate | undefined;
    for (const c of eligible) {
      if (best === undefined || (accuracyOf(best) - accuracyOf(c) || Number(best.loaded) - Number(c.loaded) || compareNames(c, best)) < 0) best = c;
    }
    if (best === undefined) return noEligibleDecision(request, candidates);
    const predictedMs = completionMs(best, requestRows(request));
    if (predictedMs === undefined) return chosenDecision(best, waitBeforeComputeMs(best), false, 'most accurate variant (no profile: predictedMs is a lower bound)');
    return chosenDecision(best, predictedMs, predictedMs <= request.budgetMs, `most accurate variant (${accuracyOf(best)})`);
  }
}
