// Decision-cost benchmark of the variant routers: route() over 10 candidates, 1e5 calls each; prints JSON and a table.

import { VARIANT_ROUTER_NAMES, createVariantRouter } from '../../src/router/index.js';
import { predictFromFit } from '../../src/router/predict-from-fit.js';
import type { RouteRequest, VariantCandidate } from '../../src/router/variant-router.js';

const CANDIDATES = 10;
const CALLS = 100_000;
const WARMUP_CALLS = 10_000;

/** A task with 10 variants: mixed accuracy, load state, profiles (one missing), queues and batch limits. */
function candidates(): VariantCandidate[] {
  return Array.from({ length: CANDIDATES }, (_, i) => ({
    model: `variant-${i}`,
    version: '1',
    accuracy: 0.6 + 0.035 * i,
    loaded: i % 3 !== 0,
    loadMs: 200 + 50 * i,
    predictBatchMs: i === 7 ? undefined : predictFromFit({ fixedMs: 2 + 3 * i, perItemMs: 0.5 * i, serialFraction: 0.1 }, 1 + (i % 2)),
    maxBatchSize: i % 4 === 0 ? 0 : 16,
    cores: 1 + (i % 2),
    instances: 1 + (i % 2),
    waitMs: 7 * i,
    queuedRequests: i,
  }));
}

/** Requests cycle through budgets and floors so every branch (fit, cold load, best effort, none) is exercised. */
const REQUESTS: readonly RouteRequest[] = [5, 20, 50, 200].flatMap((budgetMs) =>
  [0, 0.7, 0.85, 0.99].map((minAccuracy) => ({ task: 'classify', budgetMs, minAccuracy, rows: 1 })),
);

function nsPerDecision(name: (typeof VARIANT_ROUTER_NAMES)[number]): { ns: number; chosen: number } {
  const router = createVariantRouter(name);
  const cs = candidates();
  let chosen = 0;
  const run = (calls: number): void => {
    for (let i = 0; i < calls; i++) {
      if (router.route(REQUESTS[i % REQUESTS.length] as RouteRequest, cs).kind === 'chosen') chosen++;
    }
  };
  run(WARMUP_CALLS);
  chosen = 0;
  const start = process.hrtime.bigint();
  run(CALLS);
  const ns = Number(process.hrtime.bigint() - start) / CALLS;
  return { ns, chosen };
}

const results = VARIANT_ROUTER_NAMES.map((name) => ({ name, ...nsPerDecision(name) }));
const ns_per_decision = Object.fromEntries(results.map((r) => [r.name, Math.round(r.ns)]));
console.log(JSON.stringify({ candidates: CANDIDATES, calls: CALLS, node: process.version, ns_per_decision }));
console.log(`router ns/decision (${CANDIDATES} candidates, ${CALLS} calls): ${results.map((r) => `${r.name} ${Math.round(r.ns)}`).join(' | ')}`);
