// EdfSelector: contract suite plus earliest-deadline order, its tie-breaks and in-progress jobs first.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { flowView, runFlowSelectorContract } from '../flow-selector.case.js';
import { EdfSelector } from './edf-selector.js';

runFlowSelectorContract('EdfSelector', () => new EdfSelector());

test('EdfSelector offers the earliest head deadline first and flows without a deadline last', () => {
  const flows = [
    flowView('none', { headEnqueuedAtMs: 0 }),
    flowView('late', { headDeadlineAtMs: 90 }),
    flowView('soon', { headDeadlineAtMs: 40, headEnqueuedAtMs: 30 }),
  ];
  assert.deepEqual(new EdfSelector().order(flows, 30), ['soon', 'late', 'none']);
});

test('EdfSelector breaks deadline ties by priority, then by the older head', () => {
  const flows = [
    flowView('p1', { headDeadlineAtMs: 50, priority: 1, headEnqueuedAtMs: 0 }),
    flowView('young', { headDeadlineAtMs: 50, headEnqueuedAtMs: 20 }),
    flowView('old', { headDeadlineAtMs: 50, headEnqueuedAtMs: 10 }),
  ];
  assert.deepEqual(new EdfSelector().order(flows, 30), ['old', 'young', 'p1']);
});

test('EdfSelector lets a partly executed job finish before an earlier deadline', () => {
  const flows = [
    flowView('urgent', { headDeadlineAtMs: 10 }),
    flowView('started', { headDeadlineAtMs: 500, inProgress: true }),
  ];
  assert.deepEqual(new EdfSelector().order(flows, 0), ['started', 'urgent']);
});
