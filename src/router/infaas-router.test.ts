// InfaasRouter: contract suite plus least slack, accuracy bins, overload skipping, queue blindness and cold loads.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InfaasRouter, accuracyBin } from './infaas-router.js';
import { candidate, request, runVariantRouterContract } from './variant-router.case.js';
import type { RouteDecision } from './variant-router.js';

runVariantRouterContract('InfaasRouter', () => new InfaasRouter());

const router = new InfaasRouter();
const ms = (v: number) => () => v;

function chosen(d: RouteDecision): Extract<RouteDecision, { kind: 'chosen' }> {
  if (d.kind !== 'chosen') assert.fail(d.reason);
  return d;
}

test('InfaasRouter picks the running variant with the least slack: the slowest that still fits', () => {
  const fast = candidate('fast', { predictBatchMs: ms(10) });
  const slow = candidate('slow', { predictBatchMs: ms(40) });
  const tooSlow = candidate('too-slow', { predictBatchMs: ms(60) });
  const d = chosen(router.route(request({ budgetMs: 50 }), [fast, slow, tooSlow]));
  assert.equal(d.model, 'slow');
  assert.equal(d.meetsSlo, true);
});

test('InfaasRouter does not see queues: a backlogged variant is still predicted at its profiled latency', () => {
  const backlogged = candidate('backlogged', { predictBatchMs: ms(40), waitMs: 1000, queuedRequests: 25 });
  const d = chosen(router.route(request({ budgetMs: 50 }), [backlogged, candidate('idle', { predictBatchMs: ms(10) })]));
  assert.equal(d.model, 'backlogged');
  assert.equal(d.predictedMs, 40);
});

test('InfaasRouter skips a running variant whose queue exceeds 0.8 s of its capacity', () => {
  // 40 ms per batch of 8 → 200 requests/s; overloaded above 160 queued.
  const busy = (queuedRequests: number) => candidate('busy', { predictBatchMs: ms(40), queuedRequests });
  const other = candidate('other', { predictBatchMs: ms(10) });
  assert.equal(chosen(router.route(request({ budgetMs: 50 }), [busy(160), other])).model, 'busy');
  assert.equal(chosen(router.route(request({ budgetMs: 50 }), [busy(161), other])).model, 'other');
});

test('InfaasRouter looks only in the lowest accuracy bin that meets the floor, even when a higher bin would fit', () => {
  const lowBin = candidate('low-bin', { accuracy: 0.72, predictBatchMs: ms(80) });
  const highBin = candidate('high-bin', { accuracy: 0.9, predictBatchMs: ms(10) });
  const d = chosen(router.route(request({ minAccuracy: 0.7, budgetMs: 50 }), [lowBin, highBin]));
  assert.equal(d.model, 'low-bin');
  assert.equal(d.meetsSlo, false);
});

test('InfaasRouter places accuracies on bin edges in the lower bin', () => {
  assert.deepEqual([0, 0.5, 0.51, 0.7, 0.75, 0.76, 0.78, 0.9, 1].map(accuracyBin), [0, 0, 1, 1, 2, 3, 3, 4, 4]);
});

test('InfaasRouter prefers a running variant that fits over a faster one that must be loaded', () => {
  const running = candidate('running', { predictBatchMs: ms(45) });
  const cold = candidate('cold', { loaded: false, loadMs: 1, predictBatchMs: ms(5) });
  assert.equal(chosen(router.route(request({ budgetMs: 50 }), [running, cold])).model, 'running');
});

test('InfaasRouter loads the fitting variant with the lowest load + inference latency, ignoring load time in the fit', () => {
  const running = candidate('running', { predictBatchMs: ms(80) });
  const heavy = candidate('heavy', { loaded: false, loadMs: 1000, predictBatchMs: ms(10) });
  const light = candidate('light', { loaded: false, loadMs: 300, predictBatchMs: ms(30) });
  const d = chosen(router.route(request({ budgetMs: 50 }), [running, heavy, light]));
  assert.equal(d.model, 'light');
  assert.equal(d.needsLoad, true);
  assert.equal(d.predictedMs, 330);
  assert.equal(d.meetsSlo, false);
});
