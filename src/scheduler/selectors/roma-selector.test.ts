// RomaSelector: contract suite plus ROMA's need (estimated response over SLA margin) and longest-queue fallback.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { flowView, runFlowSelectorContract } from '../flow-selector.case.js';
import { RomaSelector } from './roma-selector.js';

runFlowSelectorContract('RomaSelector', () => new RomaSelector());

test('RomaSelector need is waited plus execution time beyond half the SLA, blended with observed response', () => {
  const s = new RomaSelector();
  // waited 40 + cost 10 = 50; margin 60·0.5 = 30 → 20.
  assert.equal(s.needMs(flowView('a', { headEnqueuedAtMs: 60, nextCostMs: 10, sloMs: 60 }), 100), 20);
  // blended: 0.5·50 + 0.5·90 = 70 → 40.
  assert.equal(s.needMs(flowView('a', { headEnqueuedAtMs: 60, nextCostMs: 10, sloMs: 60, avgResponseMs: 90 }), 100), 40);
  // within the margin, or no SLA at all → 0.
  assert.equal(s.needMs(flowView('a', { headEnqueuedAtMs: 95, nextCostMs: 10, sloMs: 60 }), 100), 0);
  assert.equal(s.needMs(flowView('a', { headEnqueuedAtMs: 0, nextCostMs: 10 }), 100), 0);
});

test('RomaSelector serves the flow whose estimate most exceeds its SLA margin, not the oldest or tightest', () => {
  const flows = [
    // need = 50 + 5 − 100·0.5 = 5
    flowView('oldest', { headEnqueuedAtMs: 50, nextCostMs: 5, sloMs: 100 }),
    // need = 30 + 20 − 40·0.5 = 30
    flowView('behind', { headEnqueuedAtMs: 70, nextCostMs: 20, sloMs: 40 }),
    // need = 0 (within margin)
    flowView('relaxed', { headEnqueuedAtMs: 99, nextCostMs: 1, sloMs: 20 }),
  ];
  assert.deepEqual(new RomaSelector().order(flows, 100), ['behind', 'oldest', 'relaxed']);
});

test('RomaSelector falls back to the longest queue when no flow needs anything', () => {
  const flows = [
    flowView('short', { queuedRequests: 2, headEnqueuedAtMs: 0 }),
    flowView('long', { queuedRequests: 9, headEnqueuedAtMs: 50 }),
  ];
  assert.deepEqual(new RomaSelector().order(flows, 60), ['long', 'short']);
});

test('RomaSelector honours its alpha and observed-weight options', () => {
  const f = flowView('a', { headEnqueuedAtMs: 0, nextCostMs: 10, sloMs: 100, avgResponseMs: 200 });
  // estimate 110; alpha 0 → margin 100; weight 0 ignores the observed 200 → 10.
  assert.equal(new RomaSelector({ alpha: 0, observedWeight: 0 }).needMs(f, 100), 10);
  // weight 1 uses only the observed 200 → 100.
  assert.equal(new RomaSelector({ alpha: 0, observedWeight: 1 }).needMs(f, 100), 100);
});

test('RomaSelector lets a partly executed job finish first', () => {
  const flows = [
    flowView('needy', { headEnqueuedAtMs: 0, sloMs: 10 }),
    flowView('started', { inProgress: true }),
  ];
  assert.deepEqual(new RomaSelector().order(flows, 100), ['started', 'needy']);
});
