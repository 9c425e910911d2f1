// The reservation for short work: which units may wait, until when, and a flow's recent tightest budget.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LATEST_START_COSTS, RecentLeast, deferUntilMs, mayDefer, shortWorkLimitMs } from './reservation.js';

// A 45 ms run of a 250 ms model next to a 50 ms model: long (over 12.5 ms) and loose (250 >= 2 x 50).
const archive = { costMs: 45, ownBudgetMs: 250, tightBudgetMs: 50 };

test('only a long unit of a loose flow next to a tighter one may wait', () => {
  assert.equal(shortWorkLimitMs(50), 12.5);
  assert.equal(mayDefer(archive), true);
  assert.equal(mayDefer({ ...archive, costMs: 12 }), false, 'short: it holds the executor for under a quarter of the tight budget');
  assert.equal(mayDefer({ ...archive, ownBudgetMs: 75 }), false, 'not loose: its own deadline is as tight');
  assert.equal(mayDefer({ ...archive, tightBudgetMs: Infinity }), false, 'nothing next to it has a deadline');
});

test('a long unit runs at once when another executor of the tight flow is free of long work', () => {
  assert.equal(deferUntilMs(archive, 0, 250, [12.5]), undefined);
  assert.equal(deferUntilMs(archive, 0, 250, [40, 0]), undefined, 'one free executor is enough');
});

test('otherwise it waits until one of them will be free, or its latest start, whichever comes first', () => {
  // The other executor has 40 ms left: free of long work (12.5 ms or less left) at 27.5.
  assert.equal(deferUntilMs(archive, 0, 250, [40]), 27.5);
  // Due at 150: the latest start is 150 − 2 × 45 = 60, before the other executor frees at 100 − 12.5.
  assert.equal(LATEST_START_COSTS, 2);
  assert.equal(deferUntilMs(archive, 0, 150, [100]), 60);
  // Past its latest start it runs, however busy the others are.
  assert.equal(deferUntilMs(archive, 60, 150, [Infinity]), undefined);
});

test('with no other executor for the tight flow nothing waits: there is nothing to keep free', () => {
  assert.equal(deferUntilMs(archive, 0, 250, []), undefined);
});

test('RecentLeast keeps the least value of the last one to two windows', () => {
  const r = new RecentLeast(1000);
  assert.equal(r.value(0), Infinity);
  r.observe(0, 50);
  r.observe(500, 250);
  assert.equal(r.value(900), 50);
  // A window later the first bucket is the previous one: still counted.
  r.observe(1000, 250);
  assert.equal(r.value(1500), 50);
  // Two windows after it began, 50 is forgotten; 250 (seen at 1000) is still there.
  assert.equal(r.value(2100), 250);
  // Nothing seen for two windows: nothing left.
  assert.equal(r.value(4200), Infinity);
});
