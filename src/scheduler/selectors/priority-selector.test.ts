// PrioritySelector: contract suite plus strict classes, EDF within a class and preemption across classes.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { flowView, runFlowSelectorContract } from '../flow-selector.case.js';
import { PrioritySelector } from './priority-selector.js';

runFlowSelectorContract('PrioritySelector', () => new PrioritySelector());

test('PrioritySelector serves a more important class first even with a later deadline', () => {
  const flows = [
    flowView('low', { priority: 2, headDeadlineAtMs: 5 }),
    flowView('high', { priority: 0, headDeadlineAtMs: 500 }),
    flowView('mid', { priority: 1 }),
  ];
  assert.deepEqual(new PrioritySelector().order(flows, 0), ['high', 'mid', 'low']);
});

test('PrioritySelector orders one class by earliest deadline, then by the older head', () => {
  const flows = [
    flowView('none', { priority: 1, headEnqueuedAtMs: 0 }),
    flowView('later', { priority: 1, headDeadlineAtMs: 80 }),
    flowView('sooner', { priority: 1, headDeadlineAtMs: 60, headEnqueuedAtMs: 9 }),
    flowView('tie-old', { priority: 1, headDeadlineAtMs: 60, headEnqueuedAtMs: 3 }),
  ];
  assert.deepEqual(new PrioritySelector().order(flows, 10), ['tie-old', 'sooner', 'later', 'none']);
});

test('PrioritySelector finishes a started job within its class but lets a more important class overtake it', () => {
  const flows = [
    flowView('started', { priority: 1, inProgress: true, headDeadlineAtMs: 900 }),
    flowView('same', { priority: 1, headDeadlineAtMs: 10 }),
    flowView('vip', { priority: 0 }),
  ];
  assert.deepEqual(new PrioritySelector().order(flows, 0), ['vip', 'started', 'same']);
});
