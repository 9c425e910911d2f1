// FixedRouter: contract suite plus "always the most accurate variant", whatever its cost or queue.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FixedRouter } from './fixed-router.js';
import { candidate, request, runVariantRouterContract } from './variant-router.case.js';
import type { RouteDecision } from './variant-router.js';

runVariantRouterContract('FixedRouter', () => new FixedRouter());

const router = new FixedRouter();

function chosen(d: RouteDecision): Extract<RouteDecision, { kind: 'chosen' }> {
  if (d.kind !== 'chosen') assert.fail(d.reason);
  return d;
}

test('FixedRouter picks the most accurate variant even when it misses the SLO and a cheaper one meets it', () => {
  const small = candidate('small', { accuracy: 0.75, predictBatchMs: () => 5 });
  const big = candidate('big', { accuracy: 0.92, loaded: false, predictBatchMs: () => 200 });
  const d = chosen(router.route(request({ budgetMs: 50 }), [small, big]));
  assert.equal(d.model, 'big');
  assert.equal(d.needsLoad, true);
  assert.equal(d.meetsSlo, false);
  assert.equal(d.predictedMs, 700);
});

test('FixedRouter prefers a loaded version among equally accurate ones', () => {
  const v1 = candidate('m', { version: '1', loaded: false });
  const v2 = candidate('m', { version: '2' });
  assert.equal(chosen(router.route(request(), [v1, v2])).version, '2');
});

test('FixedRouter passes over a more accurate variant that cannot take the request rows', () => {
  const unbatched = candidate('unbatched', { accuracy: 0.95, maxBatchSize: 0 });
  const batched = candidate('batched', { accuracy: 0.8, maxBatchSize: 8 });
  assert.equal(chosen(router.route(request({ rows: 4 }), [unbatched, batched])).model, 'batched');
});
