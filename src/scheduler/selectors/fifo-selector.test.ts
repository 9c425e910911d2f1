// FifoSelector: contract suite plus oldest-head-first and run-to-completion order.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { flowView, runFlowSelectorContract } from '../flow-selector.case.js';
import { FifoSelector } from './fifo-selector.js';

runFlowSelectorContract('FifoSelector', () => new FifoSelector());

test('FifoSelector offers the flow with the oldest head request first, ignoring deadlines and priority', () => {
  const flows = [
    flowView('a', { headEnqueuedAtMs: 30, headDeadlineAtMs: 35, priority: 0 }),
    flowView('b', { headEnqueuedAtMs: 10, priority: 5 }),
    flowView('c', { headEnqueuedAtMs: 20 }),
  ];
  assert.deepEqual(new FifoSelector().order(flows, 40), ['b', 'c', 'a']);
});

test('FifoSelector finishes a partly executed job before starting another', () => {
  const flows = [flowView('old', { headEnqueuedAtMs: 0 }), flowView('started', { headEnqueuedAtMs: 50, inProgress: true })];
  assert.deepEqual(new FifoSelector().order(flows, 60), ['started', 'old']);
});

test('FifoSelector breaks ties by flow id', () => {
  assert.deepEqual(new FifoSelector().order([flowView('z'), flowView('y')], 0), ['y', 'z']);
});
