// TesseraRouter: contract suite plus least cost under the SLO, loaded-first, cold-start accounting and best effort.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TesseraRouter } from './tessera-router.js';
import { candidate, request, runVariantRouterContract } from './variant-router.case.js';
import type { RouteDecision } from './variant-router.js';

runVariantRouterContract('TesseraRouter', () => new TesseraRouter());

const router = new TesseraRouter();
const ms = (v: number) => () => v;

function chosen(d: RouteDecision): Extract<RouteDecision, { kind: 'chosen' }> {
  if (d.kind !== 'chosen') assert.fail(d.reason);
  return d;
}

test('TesseraRouter picks the cheapest variant meeting the SLO in core-ms, not the fastest', () => {
  const fast = candidate('fast', { predictBatchMs: ms(5), cores: 4 }); // 20 core-ms
  const lean = candidate('lean', { predictBatchMs: ms(15), cores: 1 }); // 15 core-ms
  const d = chosen(router.route(request({ budgetMs: 50 }), [fast, lean]));
  assert.equal(d.model, 'lean');
  assert.equal(d.meetsSlo, true);
  assert.equal(d.needsLoad, false);
});

test('TesseraRouter never trades the accuracy floor for cost', () => {
  const cheap = candidate('cheap', { accuracy: 0.6, predictBatchMs: ms(1) });
  const good = candidate('good', { accuracy: 0.8, predictBatchMs: ms(30) });
  assert.equal(chosen(router.route(request({ minAccuracy: 0.7 }), [cheap, good])).model, 'good');
});

test('TesseraRouter prefers a loaded variant that meets the SLO over a cheaper one that must be loaded', () => {
  const loaded = candidate('loaded', { predictBatchMs: ms(30) });
  const cold = candidate('cold', { loaded: false, loadMs: 10, predictBatchMs: ms(5) });
  assert.equal(chosen(router.route(request({ budgetMs: 100 }), [loaded, cold])).model, 'loaded');
});

test('TesseraRouter loads a variant when no loaded one meets the SLO, counting its load time', () => {
  const loaded = candidate('loaded', { predictBatchMs: ms(200) });
  const cold = candidate('cold', { loaded: false, loadMs: 40, predictBatchMs: ms(10) });
  const d = chosen(router.route(request({ budgetMs: 100 }), [loaded, cold]));
  assert.equal(d.model, 'cold');
  assert.equal(d.needsLoad, true);
  assert.equal(d.predictedMs, 50);
  assert.equal(d.meetsSlo, true);
});

test('TesseraRouter does not load a variant whose load time breaks the budget; it reports best effort', () => {
  const loaded = candidate('loaded', { predictBatchMs: ms(150) });
  const cold = candidate('cold', { loaded: false, loadMs: 500, predictBatchMs: ms(10) });
  const d = chosen(router.route(request({ budgetMs: 100 }), [loaded, cold]));
  assert.equal(d.model, 'loaded');
  assert.equal(d.meetsSlo, false);
  assert.equal(d.predictedMs, 150);
});

test('TesseraRouter predicts completion as load + wait for an executor + the batch', () => {
  const c = candidate('c', { loaded: false, loadMs: 30, waitMs: 20, instances: 2, predictBatchMs: (b) => 5 + 2 * b, maxBatchSize: 4 });
  assert.equal(chosen(router.route(request({ rows: 3, budgetMs: 1000 }), [c])).predictedMs, 30 + 20 + 11);
});

test('TesseraRouter steers around a cheap variant whose wait would break the SLO, and back when the wait is short', () => {
  const queued = (waitMs: number) => candidate('queued', { predictBatchMs: ms(10), waitMs });
  const idle = candidate('idle', { predictBatchMs: ms(20) });
  assert.equal(chosen(router.route(request({ budgetMs: 100 }), [queued(200), idle])).model, 'idle');
  assert.equal(chosen(router.route(request({ budgetMs: 100 }), [queued(50), idle])).model, 'queued');
});

test('TesseraRouter, when nothing meets the SLO, picks the soonest completion and says so', () => {
  const a = candidate('a', { predictBatchMs: ms(300) });
  const b = candidate('b', { predictBatchMs: ms(120), cores: 2 });
  const c = candidate('c', { loaded: false, loadMs: 100, predictBatchMs: ms(50) });
  const d = chosen(router.route(request({ budgetMs: 100 }), [a, b, c]));
  assert.equal(d.model, 'b');
  assert.equal(d.meetsSlo, false);
});

test('TesseraRouter ranks variants without a profile after every profiled one', () => {
  const unknown = candidate('unknown', { predictBatchMs: undefined });
  const slow = candidate('slow', { predictBatchMs: ms(500) });
  assert.equal(chosen(router.route(request({ budgetMs: 100 }), [unknown, slow])).model, 'slow');
});

test('TesseraRouter breaks cost ties by accuracy, then by name', () => {
  const a = candidate('a', { accuracy: 0.8 });
  const b = candidate('b', { accuracy: 0.9 });
  const c = candidate('c', { accuracy: 0.9 });
  assert.equal(chosen(router.route(request(), [c, a, b])).model, 'b');
});
