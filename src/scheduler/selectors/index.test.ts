// createFlowSelector: every policy name builds its selector; unknown names fail with INVALID_ARGUMENT.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { flowView } from '../flow-selector.case.js';
import { FLOW_SELECTOR_NAMES, type FlowSelectorName, createFlowSelector, isFlowSelectorName } from './index.js';

test('createFlowSelector builds a selector named after each policy', () => {
  for (const name of FLOW_SELECTOR_NAMES) assert.equal(createFlowSelector(name).name, name);
});

test('createFlowSelector passes ROMA options through', () => {
  // Within the default margin (need 0) 'long' wins as the longest queue; with alpha 1 'tight' has a need of 15.
  const flows = [
    flowView('tight', { headEnqueuedAtMs: 90, nextCostMs: 5, sloMs: 100 }),
    flowView('long', { queuedRequests: 9 }),
  ];
  assert.deepEqual(createFlowSelector('roma').order(flows, 100), ['long', 'tight']);
  assert.deepEqual(createFlowSelector('roma', { roma: { alpha: 1 } }).order(flows, 100), ['tight', 'long']);
});

test('isFlowSelectorName accepts known names only', () => {
  assert.ok(isFlowSelectorName('edf'));
  assert.ok(!isFlowSelectorName('lifo'));
});

test('createFlowSelector rejects a name that slipped past the type with INVALID_ARGUMENT', () => {
  assert.throws(() => createFlowSelector('lifo' as FlowSelectorName), { code: 'INVALID_ARGUMENT' });
});
