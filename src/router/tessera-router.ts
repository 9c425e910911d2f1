// Tessera's variant router: the least resource cost among variants predicted to meet the SLO, loaded ones first.

import { accuracyOf, compareNames, eligibleCandidates, noEligibleDecision, requestRows } from './candidate-filter.js';
import { chosenDecision, completionMs, costCoreMs, formatMs as fmt, waitBeforeComputeMs } from './route-estimate.js';
import type { RouteDecision, RouteRequest, VariantCandidate, VariantRouter } from './variant-router.js';

interface Scored {
  readonly c: VariantCandidate;
  /** completionMs(): cold start + wait for an executor + the request's batch. */
  readonly predictedMs: number;
  readonly costCoreMs: number;
}

/** Cheaper first; then sooner, more accurate, and by name so the choice never depends on the candidates' order. */
function byCost(a: Scored, b: Scored): number {
  return a.costCoreMs - b.costCoreMs || a.predictedMs - b.predictedMs || accuracyOf(b.c) - accuracyOf(a.c) || compareNames(a.c, b.c);
}

function bySooner(a: Scored, b: Scored): number {
  return a.predictedMs - b.predictedMs || a.costCoreMs - b.costCoreMs || accuracyOf(b.c) - accuracyOf(a.c) || compareNames(a.c, b.c);
}

function better(best: Scored | undefined, next: Scored, compare: (a: Scored, b: Scored) => number): Scored {
  return best === undefined || compare(next, best) < 0 ? next : best;
}

/**
 * Among variants meeting the accuracy floor (and accepting the request's rows):
 *  1. loaded variants whose predicted completion meets the budget: the least cost (core-ms of the request's batch);
 *  2. else not-loaded ones that meet it counting their load time: the least cost (needsLoad);
 *  3. else best effort (meetsSlo=false): the soonest predicted completion;
 *  4. variants without a profile rank after every profiled one (their compute time is unknown, so they never
 *     claim to meet the SLO): chosen only when no profiled variant qualifies, loaded first, then least waiting.
 */
export class TesseraRouter implements VariantRouter {
  readonly name = 'tessera';

  route(request: RouteRequest, candidates: readonly VariantCandidate[]): RouteDecision {
    const eligible = eligibleCandidates(request, candidates);
    if (eligible.length === 0) return noEligibleDecision(request, candidates);
    const rows = requestRows(request);
    let loadedFit: Scored | undefined;
    let coldFit: Scored | undefined;
    let soonest: Scored | undefined;
    let unprofiled: VariantCandidate | undefined;
    for (const c of eligible) {
      const predictedMs = completionMs(c, rows);
      const cost = costCoreMs(c, rows);
      if (predictedMs === undefined || cost === undefined) {
        if (unprofiled === undefined || compareUnprofiled(c, unprofiled) < 0) unprofiled = c;
        continue;
      }
      const s: Scored = { c, predictedMs, costCoreMs: cost };
      soonest = better(soonest, s, bySooner);
      if (predictedMs > request.budgetMs) continue;
      if (c.loaded) loadedFit = better(loadedFit, s, byCost);
      else coldFit = better(coldFit, s, byCost);
    }
    if (loadedFit !== undefined) return chosenDecision(loadedFit.c, loadedFit.predictedMs, true, `least cost (${fmt(loadedFit.costCoreMs)} core-ms) loaded variant meeting ${fmt(request.budgetMs)} ms`);
    if (coldFit !== undefined) return chosenDecision(coldFit.c, coldFit.predictedMs, true, `no loaded variant meets ${fmt(request.budgetMs)} ms; least cost variant meeting it after a ${fmt(coldFit.c.loadMs)} ms load`);
    if (soonest !== undefined) return chosenDecision(soonest.c, soonest.predictedMs, false, `no variant meets ${fmt(request.budgetMs)} ms; soonest predicted completion`);
    if (unprofiled === undefined) return noEligibleDecision(request, candidates); // unreachable: eligible is not empty
    return chosenDecision(unprofiled, waitBeforeComputeMs(unprofiled), false, 'no eligible variant has a profile; compute time unknown, predictedMs is a lower bound');
  }
}

function compareUnprofiled(a: VariantCandidate, b: VariantCandidate): number {
  return Number(b.loaded) - Number(a.loaded) || waitBeforeComputeMs(a) - waitBeforeComputeMs(b) || accuracyOf(b) - accuracyOf(a) || compareNames(a, b);
}
