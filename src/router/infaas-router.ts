// INFaaS's variant selection for task queries (Romero et al., ATC'21), as a baseline: least slack among running variants.

import { accuracyOf, compareNames, eligibleCandidates, noEligibleDecision, requestRows } from './candidate-filter.js';
import { chosenDecision, formatMs } from './route-estimate.js';
import type { RouteDecision, RouteRequest, VariantCandidate, VariantRouter } from './variant-router.js';

/**
 * INFaaS's accuracy bins (its metadata store's edges 0, 50, 70, 75, 78, 100 %, as fractions). A bin spans
 * [edge i, edge i+1]; a value on an edge belongs to the lower bin, as in INFaaS.
 */
export const INFAAS_ACCURACY_BIN_EDGES: readonly number[] = [0, 0.5, 0.7, 0.75, 0.78, 1];
/** A running variant is overloaded when its queue holds more than this fraction of one second of its capacity. */
export const INFAAS_OVERLOAD_BACKLOG_FRACTION = 0.8;

export function accuracyBin(accuracy: number): number {
  const last = INFAAS_ACCURACY_BIN_EDGES.length - 2;
  for (let i = 0; i < last; i++) {
    if (accuracy <= (INFAAS_ACCURACY_BIN_EDGES[i + 1] as number)) return i;
  }
  return last;
}

/** Queue longer than 0.8 × replicas × requests per second at the variant's max batch (INFaaS's backlog rule). */
function overloaded(c: VariantCandidate, latencyAtMaxBatchMs: number): boolean {
  const batch = Math.max(1, c.maxBatchSize);
  const capacityPerS = (1000 / latencyAtMaxBatchMs) * batch;
  return c.queuedRequests > INFAAS_OVERLOAD_BACKLOG_FRACTION * Math.max(1, c.instances) * capacityPerS;
}

interface Scored {
  readonly c: VariantCandidate;
  /** INFaaS's prediction: profiled latency of the batch, plus load latency when not running. No queueing. */
  readonly predictedMs: number;
  readonly inferMs: number;
}

/**
 * INFaaS's task query (accuracy floor + latency SLO), as its query front end does it:
 *  - candidates: variants of the LOWEST accuracy bin that holds one meeting the floor (higher bins are never looked at);
 *  - fit: profiled latency of the request's batch <= SLO (queues are not considered: INFaaS has none to predict);
 *  - running, not overloaded variants that fit: the LEAST SLACK (SLO − latency), i.e. the slowest that still fits,
 *    which INFaaS takes as the cheapest;
 *  - none running fits: load the fitting variant with the lowest load + inference latency (ties: smaller max batch);
 *  - nothing fits: INFaaS fails the query; here it is best effort (meetsSlo=false) with the lowest predicted latency in
 *    the bin, so the caller's overload policy decides (reject reproduces INFaaS).
 * Not reproduced: the 'keep loose SLOs off GPUs' rule (candidates carry no device kind), the latency-based overload
 * test (needs observed latency), and the bounded search over the first few results (irrelevant at our sizes).
 */
export class InfaasRouter implements VariantRouter {
  readonly name = 'infaas';

  route(request: RouteRequest, candidates: readonly VariantCandidate[]): RouteDecision {
    const eligible = eligibleCandidates(request, candidates);
    if (eligible.length === 0) return noEligibleDecision(request, candidates);
    const rows = requestRows(request);
    const bin = Math.min(...eligible.map((c) => accuracyBin(accuracyOf(c))));
    let leastSlack: Scored | undefined;
    let cold: Scored | undefined;
    let fastest: Scored | undefined;
    let unprofiled: VariantCandidate | undefined;
    for (const c of eligible) {
      if (accuracyBin(accuracyOf(c)) !== bin) continue;
      if (c.predictBatchMs === undefined) {
        // INFaaS registers every variant with a profile; one without cannot pass its latency check.
        if (unprofiled === undefined || compareNames(c, unprofiled) < 0) unprofiled = c;
        continue;
      }
      const inferMs = c.predictBatchMs(rows);
      const s: Scored = { c, inferMs, predictedMs: (c.loaded ? 0 : c.loadMs) + inferMs };
      if (fastest === undefined || (s.predictedMs - fastest.predictedMs || compareNames(c, fastest.c)) < 0) fastest = s;
      if (inferMs > request.budgetMs) continue;
      if (c.loaded) {
        if (overloaded(c, c.predictBatchMs(Math.max(1, c.maxBatchSize)))) continue;
        if (leastSlack === undefined || (leastSlack.inferMs - inferMs || compareNames(c, leastSlack.c)) < 0) leastSlack = s;
      } else if (cold === undefined || (s.predictedMs - cold.predictedMs || c.maxBatchSize - cold.c.maxBatchSize || compareNames(c, cold.c)) < 0) {
        cold = s;
      }
    }
    const budget = formatMs(request.budgetMs);
    if (leastSlack !== undefined) return decide(leastSlack, request, `least slack running variant (${formatMs(request.budgetMs - leastSlack.inferMs)} ms) fitting ${budget} ms`);
    if (cold !== undefined) return decide(cold, request, `no running variant fits ${budget} ms; loading the fastest fitting one`);
    if (fastest !== undefined) return chosenDecision(fastest.c, fastest.predictedMs, false, `no variant in accuracy bin ${bin} fits ${budget} ms (INFaaS fails the query); fastest`);
    if (unprofiled === undefined) return noEligibleDecision(request, candidates); // unreachable: the bin is not empty
    return chosenDecision(unprofiled, unprofiled.loaded ? 0 : unprofiled.loadMs, false, 'no variant in the accuracy bin has a profile; predictedMs is a lower bound');
  }
}

function decide(s: Scored, request: RouteRequest, reason: string): RouteDecision {
  return chosenDecision(s.c, s.predictedMs, s.predictedMs <= request.budgetMs, reason);
}
