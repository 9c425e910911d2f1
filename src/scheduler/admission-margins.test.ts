// Admission margins by time budget: each class of budget learns its own lateness, shared by every version.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AdmissionMargins, budgetClass } from './admission-margins.js';

test('budget classes are half-octaves: 50 and 75 ms apart, 64 and 90 ms together', () => {
  assert.notEqual(budgetClass(50), budgetClass(75));
  assert.equal(budgetClass(64), budgetClass(90));
  assert.notEqual(budgetClass(75), budgetClass(250));
  assert.equal(budgetClass(Infinity), Infinity);
  assert.equal(budgetClass(0), budgetClass(1));
});

test("a long budget's lateness does not enter a short budget's margin", () => {
  const m = new AdmissionMargins({ minSamples: 1, recurrence: 1 });
  for (let i = 0; i < 50; i++) m.observe(0, 250, 120);
  assert.equal(m.marginMs(0, 250), 120);
  assert.equal(m.marginMs(0, 240), 120);
  assert.equal(m.marginMs(0, 50), 0);
  for (let i = 0; i < 50; i++) m.observe(0, 50, 8);
  assert.equal(m.marginMs(0, 50), 8);
  assert.equal(m.marginMs(0, 250), 120);
});

test('requests without a deadline record nothing and get no margin', () => {
  const m = new AdmissionMargins({ minSamples: 1 });
  m.observe(0, Infinity, 30);
  assert.equal(m.marginMs(0, Infinity), 0);
});

test('each class keeps the single margin\'s rules: a quantile, a minimum of errors, a horizon', () => {
  const m = new AdmissionMargins({ minSamples: 4, horizonMs: 1000, quantile: 0.5, recurrence: 1 });
  for (let i = 1; i <= 3; i++) m.observe(0, 75, i * 10);
  assert.equal(m.marginMs(0, 75), 0);
  m.observe(0, 75, 40);
  assert.equal(m.marginMs(0, 75), 20);
  assert.equal(m.marginMs(2000, 75), 0);
});

test('requests that start at once learn their lateness apart from queued ones', () => {
  const m = new AdmissionMargins({ minSamples: 1, recurrence: 1 });
  // A stall made queued requests due in 50 ms finish 50 ms late: that margin would refuse every such request.
  for (let i = 0; i < 20; i++) m.observe(0, 50, 50);
  assert.equal(m.marginMs(0, 50), 50);
  assert.equal(m.marginMs(0, 50, true), 0);
  for (let i = 0; i < 20; i++) m.observe(0, 50, 2, true);
  assert.equal(m.marginMs(0, 50, true), 2);
  assert.equal(m.marginMs(0, 50), 50);
});

test('the executors count as overloaded while a tenth of the requests decided in the horizon were refused', () => {
  const m = new AdmissionMargins({ horizonMs: 1000 });
  assert.equal(m.overloaded(0), false);
  for (let i = 0; i < 10; i++) m.observe(i * 10, 50, 1);
  m.refused(100);
  assert.equal(m.overloaded(100), false);
  m.refused(110);
  assert.equal(m.overloaded(110), true);
  // The finished requests leave the horizon first; then the refusals.
  assert.equal(m.overloaded(1095), true);
  assert.equal(m.overloaded(1111), false);
});

test('while overloaded a stall sets the margin; otherwise only lateness that recurs does', () => {
  const m = new AdmissionMargins({ minSamples: 1, overloadedShare: 0.2 });
  for (let i = 0; i < 40; i++) m.observe(i * 50, 50, 2);
  for (let i = 0; i < 10; i++) m.observe(2000 + i, 50, 60);
  assert.equal(m.marginMs(2010, 50), 2);
  for (let i = 0; i < 13; i++) m.refused(2010);
  assert.equal(m.overloaded(2010), true);
  assert.equal(m.marginMs(2010, 50), 60);
});
